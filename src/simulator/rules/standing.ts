/** Whether the business and its number may send at all: locked (131031), policy block (368), unregistered (133010), maintenance (131057), spam (131048). */
import { reject, type RuleOutcome, PASS } from './outcome.js';

export interface StandingFacts {
  readonly business: { readonly locked?: boolean; readonly policyBlocked?: boolean };
  readonly number: { readonly registered?: boolean; readonly maintenance?: boolean; readonly spamFlagged?: boolean };
}

export function checkStanding({ business, number }: StandingFacts): RuleOutcome {
  if (business.locked) return reject(131031, 'Business Account locked: the account has been restricted or disabled.');
  if (business.policyBlocked) return reject(368, 'The account is temporarily blocked for policy violations.');
  if (number.registered === false) return reject(133010, 'Phone number is not registered on the Cloud API.');
  if (number.maintenance) return reject(131057, 'Business Account is in maintenance mode.');
  if (number.spamFlagged) return reject(131048, 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.');
  return PASS;
}
