/**
 * Delivery control, as pure rules: when a message may leave (`send_at`), until when (`validity_seconds` or
 * `expires_at`), in which lane of its number's queue (`priority`), and what the caller attached to it (`client_ref`,
 * `metadata`) to have it echoed in every event. The store keeps the decided values; nothing here reads a clock.
 */
import { findEntry } from '../catalog/catalog.js';
import { NAMESPACES, type Namespace } from '../catalog/entry.js';
import { gatewayError } from '../catalog/switchboard-error.js';
import { isObject, join, type Json } from './validation/fields.js';

export const PRIORITIES = ['high', 'normal', 'bulk'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The outbox's lane column: lower goes first. */
export const LANE_OF: Readonly<Record<Priority, number>> = { high: 0, normal: 1, bulk: 2 };

export interface DeliveryBounds {
  /** `send_at` at most this far ahead. */
  readonly horizonMs: number;
  /** `send_at` (and `expires_at`) this far in the past still count as "now": clocks of callers drift. */
  readonly skewMs: number;
  readonly maxValiditySeconds: number;
  /** The serialised `metadata` object at most, in UTF-8 bytes. */
  readonly metadataMaxBytes: number;
  readonly clientRefMaxLength: number;
  /**
   * How much later than its due time each lane's job ranks. A job ranks by `due_at + handicap`, so a bulk job that has
   * waited longer than the difference of two handicaps goes before a high job that is due now: no lane starves.
   */
  readonly laneHandicapMs: Readonly<Record<Priority, number>>;
}

export const DEFAULT_DELIVERY_BOUNDS: DeliveryBounds = {
  horizonMs: 35 * 24 * 3_600_000,
  skewMs: 60_000,
  // Meta keeps trying to deliver a message for 30 days at most: a longer validity could never matter.
  maxValiditySeconds: 30 * 24 * 3_600,
  metadataMaxBytes: 2_048,
  // Meta's own limit for `biz_opaque_callback_data`, which the Cloud-compatible surface maps to `client_ref`.
  clientRefMaxLength: 512,
  laneHandicapMs: { high: 0, normal: 60_000, bulk: 300_000 },
};

/** What an account chooses for messages that say nothing. */
export interface DeliveryDefaults {
  readonly priority: Priority;
  readonly validitySeconds: number | null;
}

export const DEFAULT_DELIVERY_DEFAULTS: DeliveryDefaults = { priority: 'normal', validitySeconds: null };

export interface DeliveryOptions {
  /** Epoch ms the message becomes due; null = at once. */
  readonly sendAt: number | null;
  /** Epoch ms after which the message is not sent any more; null = no limit. */
  readonly expiresAt: number | null;
  readonly priority: Priority;
  readonly clientRef: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
}

function invalid(field: string, detail: string): never {
  throw gatewayError('invalid_request', { detail, field });
}

function readTime(body: Json, key: string, path: string): number | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  const field = join(path, key);
  // RFC 3339 needs a date, a time and an offset: a bare date would be read as UTC midnight, which nobody means.
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(value))
    invalid(field, `\`${field}\` must be an RFC 3339 time with an offset, e.g. 2030-01-01T09:00:00Z.`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) invalid(field, `\`${field}\` is not a valid time.`);
  return ms;
}

/** `send_at` within [now - skew, now + horizon]; a time within the skew is "now". */
export function checkSendAt(sendAt: number | null, now: number, bounds: DeliveryBounds, field = 'send_at'): number | null {
  if (sendAt === null) return null;
  if (sendAt < now - bounds.skewMs)
    throw gatewayError('send_at_out_of_range', { detail: `\`${field}\` is in the past.`, field });
  if (sendAt > now + bounds.horizonMs)
    throw gatewayError('send_at_out_of_range', { detail: `\`${field}\` is more than ${Math.round(bounds.horizonMs / 86_400_000)} days ahead.`, field });
  return sendAt <= now ? null : sendAt;
}

/**
 * The expiry: `expires_at` as given, or `validity_seconds` (else the account's default) counted from when the message
 * becomes due. Never before it is due: such a message could not be sent at all.
 */
export function decideExpiry(
  given: { readonly expiresAt: number | null; readonly validitySeconds: number | null },
  dueAt: number,
  defaults: DeliveryDefaults,
  bounds: DeliveryBounds,
  path = '',
): number | null {
  if (given.expiresAt !== null && given.validitySeconds !== null)
    invalid(join(path, 'expires_at'), 'Give `validity_seconds` or `expires_at`, not both.');
  if (given.expiresAt !== null) {
    const field = join(path, 'expires_at');
    if (given.expiresAt <= dueAt) throw gatewayError('validity_out_of_range', { detail: `\`${field}\` must be after the message is due.`, field });
    if (given.expiresAt > dueAt + bounds.maxValiditySeconds * 1_000)
      throw gatewayError('validity_out_of_range', { detail: `\`${field}\` is more than ${bounds.maxValiditySeconds} s after the message is due.`, field });
    return given.expiresAt;
  }
  const seconds = given.validitySeconds ?? defaults.validitySeconds;
  return seconds === null ? null : dueAt + seconds * 1_000;
}

function readValiditySeconds(body: Json, path: string, bounds: DeliveryBounds): number | null {
  const value = body['validity_seconds'];
  if (value === undefined || value === null) return null;
  const field = join(path, 'validity_seconds');
  if (typeof value !== 'number' || !Number.isInteger(value)) invalid(field, `\`${field}\` must be a whole number of seconds.`);
  if (value < 1 || value > bounds.maxValiditySeconds)
    throw gatewayError('validity_out_of_range', { detail: `\`${field}\` must be between 1 and ${bounds.maxValiditySeconds}.`, field });
  return value;
}

function readPriority(body: Json, path: string, fallback: Priority): Priority {
  const value = body['priority'];
  if (value === undefined || value === null) return fallback;
  const field = join(path, 'priority');
  if (typeof value !== 'string' || !(PRIORITIES as readonly string[]).includes(value)) invalid(field, `\`${field}\` must be one of ${PRIORITIES.join(', ')}.`);
  return value as Priority;
}

/** `client_ref`, or on the Cloud-shaped body Meta's `biz_opaque_callback_data`, which means the same. */
function readClientRef(body: Json, path: string, bounds: DeliveryBounds): string | null {
  const key = body['client_ref'] !== undefined ? 'client_ref' : 'biz_opaque_callback_data';
  const value = body[key];
  if (value === undefined || value === null) return null;
  const field = join(path, key);
  if (typeof value !== 'string' || value === '') invalid(field, `\`${field}\` must be a non-empty string.`);
  if (value.length > bounds.clientRefMaxLength) invalid(field, `\`${field}\` must be at most ${bounds.clientRefMaxLength} characters.`);
  return value;
}

function readMetadata(body: Json, path: string, bounds: DeliveryBounds): Json | null {
  const value = body['metadata'];
  if (value === undefined || value === null) return null;
  const field = join(path, 'metadata');
  if (!isObject(value)) invalid(field, `\`${field}\` must be a JSON object.`);
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > bounds.metadataMaxBytes)
    throw gatewayError('metadata_too_large', { detail: `\`${field}\` is ${bytes} bytes as JSON; at most ${bounds.metadataMaxBytes} are kept.`, field });
  return value;
}

/** Reads and checks a send's delivery fields; `path` prefixes field names inside a batch. */
export function readDeliveryOptions(body: unknown, now: number, defaults: DeliveryDefaults, bounds: DeliveryBounds = DEFAULT_DELIVERY_BOUNDS, path = ''): DeliveryOptions {
  const fields: Json = isObject(body) ? body : {};
  const sendAt = checkSendAt(readTime(fields, 'send_at', path), now, bounds, join(path, 'send_at'));
  const given = { expiresAt: readTime(fields, 'expires_at', path), validitySeconds: readValiditySeconds(fields, path, bounds) };
  return {
    sendAt,
    expiresAt: decideExpiry(given, sendAt ?? now, defaults, bounds, path),
    priority: readPriority(fields, path, defaults.priority),
    clientRef: readClientRef(fields, path, bounds),
    metadata: readMetadata(fields, path, bounds),
  };
}

/** Where a job stands in its number's claim order: its due time plus its lane's handicap. */
export function rankOf(dueAt: number, priority: Priority, bounds: DeliveryBounds = DEFAULT_DELIVERY_BOUNDS): number {
  return dueAt + bounds.laneHandicapMs[priority];
}

/** A job past its expiry is not sent. */
export function hasExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && now >= expiresAt;
}

/**
 * Whether a message waiting for a retry may already be with Meta: its last call ended without an answer (a timeout
 * or a reset after the request was written). Such a message can no longer be taken back.
 */
export function mayBeWithUpstream(lastError: { readonly namespace: string; readonly code: number | string } | null): boolean {
  if (lastError === null || !(NAMESPACES as readonly string[]).includes(lastError.namespace)) return false;
  return findEntry(lastError.namespace as Namespace, lastError.code)?.outcomeUnknown === true;
}

/** The fields echoed in every event about a message, when the caller gave them. */
export interface MessageEcho {
  readonly clientRef: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  /** Set for an SMS: its events say so; a WhatsApp message's events carry no channel. */
  readonly channel?: 'sms';
}

export function echoFields(echo: MessageEcho | undefined): Record<string, unknown> {
  if (!echo) return {};
  return {
    ...(echo.clientRef === null ? {} : { client_ref: echo.clientRef }), ...(echo.metadata === null ? {} : { metadata: echo.metadata }),
    ...(echo.channel === undefined ? {} : { channel: echo.channel }),
  };
}
