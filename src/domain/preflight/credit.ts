/** Preflight: an account on prepaid credit needs one unit per message it sends. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { Account } from '../account.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export function checkCredit(account: Account, cost: number): RuleDecision {
  if (account.credit === null || account.credit >= cost) return ALLOW;
  return refuse(gatewayError('insufficient_credit', { detail: `The send needs ${cost} credit; the account has ${account.credit}.` }));
}
