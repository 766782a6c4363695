/**
 * WhatsApp-to-SMS failover, as pure rules: what a send's `failover` asks for, which WhatsApp failures mean the
 * recipient cannot be reached there (so the SMS goes), and when a waiting failover is due.
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import { isObject, join } from './validation/fields.js';
import type { MessageState } from './message-state.js';

/** The failures that say WhatsApp cannot reach this recipient, as catalog references; any other failure ends the failover unused. */
export const FAILOVER_ERRORS: readonly { readonly namespace: string; readonly code: number | string }[] = [
  { namespace: 'meta', code: 131026 }, // undeliverable: no WhatsApp, old client, terms not accepted
  { namespace: 'meta', code: 131050 }, // stopped marketing messages on WhatsApp only
  { namespace: 'meta', code: 130403 }, // blocked on WhatsApp
  { namespace: 'gateway', code: 'recipient_not_on_whatsapp' },
];

/** The longest `after_seconds`: a day, the longest a WhatsApp message is worth waiting for before another channel. */
export const MAX_FAILOVER_AFTER_SECONDS = 86_400;

export interface FailoverRequest {
  readonly channel: 'sms';
  readonly text: string;
  /** The SMS sender id; absent = the account's first. */
  readonly from?: string;
  readonly afterSeconds?: number;
}

/** Where a failover stands: waiting, sent as an SMS, not needed (WhatsApp delivered or failed otherwise), or refused when due. */
export const FAILOVER_STATES = ['pending', 'triggered', 'not_needed', 'refused'] as const;
export type FailoverState = (typeof FAILOVER_STATES)[number];

function invalid(detail: string, field: string): never {
  throw gatewayError('invalid_request', { detail, field });
}

/** Reads `failover` of a send body; undefined when absent. */
export function readFailover(body: unknown, path = ''): FailoverRequest | undefined {
  if (!isObject(body) || body['failover'] === undefined) return undefined;
  const field = join(path, 'failover');
  const raw = body['failover'];
  if (!isObject(raw)) return invalid('`failover` is an object: { channel: "sms", text, from?, after_seconds? }.', field);
  if (raw['channel'] !== 'sms') return invalid('The only failover channel is "sms".', join(field, 'channel'));
  const text = raw['text'];
  if (typeof text !== 'string' || text.length === 0) return invalid('The failover SMS needs its `text`.', join(field, 'text'));
  const from = raw['from'];
  if (from !== undefined && typeof from !== 'string') return invalid('`from` is a sender id.', join(field, 'from'));
  const after = raw['after_seconds'];
  if (after !== undefined && (typeof after !== 'number' || !Number.isInteger(after) || after < 1 || after > MAX_FAILOVER_AFTER_SECONDS)) {
    return invalid(`\`after_seconds\` is a whole number from 1 to ${MAX_FAILOVER_AFTER_SECONDS}.`, join(field, 'after_seconds'));
  }
  return { channel: 'sms', text, ...(from === undefined ? {} : { from }), ...(after === undefined ? {} : { afterSeconds: after }) };
}

export function isFailoverError(error: { readonly namespace: string; readonly code: number | string } | null): boolean {
  return error !== null && FAILOVER_ERRORS.some((e) => e.namespace === error.namespace && String(e.code) === String(error.code));
}

export type FailoverDecision = { readonly kind: 'trigger'; readonly reason: 'whatsapp_failed' | 'not_delivered_in_time' } | { readonly kind: 'wait' } | { readonly kind: 'close' };

/** A pending failover of a WhatsApp message in `status` (with its error), due at `dueAt` (null = only on failure). */
export function decideFailover(status: MessageState, error: { readonly namespace: string; readonly code: number | string } | null, dueAt: number | null, now: number): FailoverDecision {
  if (status === 'delivered' || status === 'read' || status === 'canceled') return { kind: 'close' };
  if (status === 'failed') return isFailoverError(error) ? { kind: 'trigger', reason: 'whatsapp_failed' } : { kind: 'close' };
  if (dueAt !== null && dueAt <= now) return { kind: 'trigger', reason: 'not_delivered_in_time' };
  return { kind: 'wait' };
}
