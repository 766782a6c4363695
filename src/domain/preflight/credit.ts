/** Preflight: an account on prepaid credit needs one unit per message it sends. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

/** `balance` is null for an account not on prepaid credit. */
export function checkCredit(balance: number | null, cost: number): RuleDecision {
  if (balance === null || balance >= cost) return ALLOW;
  return refuse(gatewayError('insufficient_credit', { detail: `The send needs ${cost} credit; the account has ${balance}.` }));
}
