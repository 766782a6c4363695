/**
 * Who a recipient is: a phone number (Meta's `wa_id`), a business-scoped user id (BSUID: country code, a period, up to
 * 128 alphanumerics; a parent id carries `ENT.` after the country), or both once a webhook tied them together.
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import { normalizeRecipient } from './validation/phone.js';

const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;
/** Anything starting like a country code and a period is meant as a user id, never as a phone number. */
const LOOKS_LIKE_BSUID = /^[A-Za-z]{2}\./;

export function isBsuid(value: string): boolean {
  return BSUID.test(value);
}

export type Recipient = { readonly kind: 'phone'; readonly waId: string } | { readonly kind: 'user_id'; readonly userId: string };

/** Reads `raw` as a phone number or a BSUID; throws the catalog error for the kind it looks like. */
export function readRecipient(raw: string, field: string): Recipient {
  const trimmed = raw.trim();
  if (!LOOKS_LIKE_BSUID.test(trimmed)) return { kind: 'phone', waId: normalizeRecipient(trimmed, field) };
  if (!isBsuid(trimmed))
    throw gatewayError('invalid_user_id', { detail: `\`${field}\` is not a business-scoped user id (got "${raw}").`, field });
  return { kind: 'user_id', userId: trimmed };
}

/** The string a recipient is addressed by: the phone's digits or the user id as Meta wrote it. */
export function recipientAddress(recipient: Recipient): string {
  return recipient.kind === 'phone' ? recipient.waId : recipient.userId;
}

/** What Meta told about one user in a webhook; any part may be missing (a withheld phone, no username). */
export interface ContactIdentity {
  readonly phone?: string;
  readonly userId?: string;
  readonly parentUserId?: string;
  readonly username?: string;
}

/**
 * The key a contact's facts (windows, opt-outs, preferences, blocks) are stored under: the first identifier it was known
 * by, so facts recorded before a webhook revealed the other identifier, or a new user id, stay with the contact.
 */
export function firstKey(identity: ContactIdentity): string | undefined {
  return identity.phone ?? identity.userId;
}
