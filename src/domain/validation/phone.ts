/** Recipient numbers: international form, digits only (a leading + tolerated), and possible per libphonenumber. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { gatewayError } from '../../catalog/switchboard-error.js';

/** Returns the number as Meta's `wa_id` form (country code + digits, no +). */
export function normalizeRecipient(raw: string, field: string): string {
  const trimmed = raw.trim();
  if (!/^\+?[0-9]{6,15}$/.test(trimmed))
    throw gatewayError('invalid_phone_number', {
      detail: `\`${field}\` must be an international number of digits only, country code first (got "${raw}").`,
      field,
    });
  const digits = trimmed.replace(/^\+/, '');
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (!parsed || !parsed.isPossible())
    throw gatewayError('invalid_phone_number', { detail: `\`${field}\` is not a possible phone number (+${digits}).`, field });
  return digits;
}
