/** Preflight: prepaid credit stops paying for messages at its expiry date, whatever the balance (seed 001's code 7). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { Account, AccountControls } from '../account.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export function checkPrepaidExpiry(account: Account, controls: AccountControls, now: number): RuleDecision {
  // Only accounts on prepaid credit have a prepaid period; the account's own expiry is checked at authentication.
  if (account.credit === null || controls.prepaidExpiresAt === null || now < controls.prepaidExpiresAt) return ALLOW;
  return refuse(
    gatewayError('prepaid_expired', { detail: `The prepaid credit expired at ${new Date(controls.prepaidExpiresAt).toISOString()}.` }),
  );
}
