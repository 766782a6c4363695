/** Preflight: the sending number must be registered with the Cloud API, or Meta refuses every message from it. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';
import type { PhoneNumber } from '../phone-number.js';

export function checkRegistration(number: PhoneNumber): RuleDecision {
  if (number.registration === 'registered') return ALLOW;
  return refuse(
    gatewayError('phone_number_not_registered', {
      detail: `Number ${number.displayPhoneNumber} (${number.phoneNumberId}) is ${number.registration}, not registered.`,
    }),
  );
}
