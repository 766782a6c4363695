/** Public test numbers only reach the recipients verified for them (131030); production numbers have no list. */
import { reject, type RuleOutcome, PASS } from './outcome.js';

export function checkAllowedRecipient(
  number: { readonly testNumber?: boolean; readonly allowedRecipients?: readonly string[] },
  waId: string,
): RuleOutcome {
  if (!number.testNumber) return PASS;
  if ((number.allowedRecipients ?? []).some((r) => r.replace(/\D/g, '') === waId)) return PASS;
  return reject(131030, 'Recipient phone number not in allowed list: add it in App Dashboard → WhatsApp → API Setup.');
}
