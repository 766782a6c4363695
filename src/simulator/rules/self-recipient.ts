/** Meta refuses a message addressed to the number that sends it (131021), before anything else about the recipient. */
import { isSameNumber } from '../../domain/preflight/self-recipient.js';
import { PASS, reject, type RuleOutcome } from './outcome.js';

export function checkNotSelf(number: { readonly displayPhoneNumber: string }, waId: string): RuleOutcome {
  if (!isSameNumber(number.displayPhoneNumber, waId)) return PASS;
  return reject(131021, 'Recipient cannot be sender.');
}
