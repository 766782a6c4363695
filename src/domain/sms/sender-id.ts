/**
 * SMS sender ids (the originating address): a numeric one is an international number (E.164: up to 15 digits, no
 * leading zero); an alphanumeric one has 1 to 11 GSM letters, digits or spaces, and at least one letter. An account
 * sends only from the sender ids the operator allowed it.
 */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { refuse, type Refusal } from '../decision.js';
import { isGsmBasic } from './gsm-alphabet.js';

export type SenderId =
  | { readonly kind: 'numeric'; readonly value: string }
  | { readonly kind: 'alphanumeric'; readonly value: string };

export type SenderIdDecision = { readonly kind: 'allow'; readonly sender: SenderId } | Refusal;

const E164 = /^[1-9]\d{0,14}$/;
const MAX_ALPHANUMERIC = 11;

function isAlphanumericChar(ch: string): boolean {
  return ch === ' ' || (isGsmBasic(ch) && /[\p{L}\p{N}]/u.test(ch));
}

/** Reads `raw` as a numeric or alphanumeric sender id: seed code 12 for a bad number, 13 for a bad text id. */
export function parseSenderId(raw: string): SenderIdDecision {
  const value = raw.trim();
  if (/^\+?\d+$/.test(value)) {
    const digits = value.replace(/^\+/, '');
    if (E164.test(digits)) return { kind: 'allow', sender: { kind: 'numeric', value: digits } };
    return refuse(gatewayError('invalid_sender', { detail: 'A numeric sender id is an international number: country code first, at most 15 digits, no leading zero.', field: 'from' }));
  }
  const chars = [...value];
  const valid = chars.length >= 1 && chars.length <= MAX_ALPHANUMERIC && chars.every(isAlphanumericChar) && /\p{L}/u.test(value);
  if (valid) return { kind: 'allow', sender: { kind: 'alphanumeric', value } };
  return refuse(gatewayError('invalid_alphanumeric_sender', {
    detail: `A text sender id has 1 to ${MAX_ALPHANUMERIC} GSM letters, digits or spaces and at least one letter; "${value}" does not.`,
    field: 'from',
  }));
}

/** Parses `raw` and checks it against the account's allowed sender ids (compared as parsed, so "+4915…" = "4915…"). */
export function checkSenderId(raw: string, allowed: readonly string[]): SenderIdDecision {
  const decision = parseSenderId(raw);
  if (decision.kind === 'refuse') return decision;
  const permitted = allowed.some((a) => {
    const parsed = parseSenderId(a);
    return parsed.kind === 'allow' && parsed.sender.value === decision.sender.value;
  });
  if (permitted) return decision;
  return refuse(gatewayError('invalid_sender', { detail: `The sender id "${decision.sender.value}" is not allowed for this account.`, field: 'from' }));
}
