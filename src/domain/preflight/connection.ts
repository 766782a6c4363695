/** Preflight: a number whose token Meta refused sends nothing until the token is replaced, so new sends are refused. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';
import type { PhoneNumber } from '../phone-number.js';

export function checkConnection(number: PhoneNumber): RuleDecision {
  if (!number.disconnected) return ALLOW;
  return refuse(
    gatewayError('account_disconnected', {
      detail: `Meta refused the access token of number ${number.displayPhoneNumber} (${number.phoneNumberId}); messages already accepted wait for a new token.`,
    }),
  );
}
