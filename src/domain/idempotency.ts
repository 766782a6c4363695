/** Idempotency-Key semantics (IETF draft-ietf-httpapi-idempotency-key-header): replay, in progress, or reused key. */
import { gatewayError } from '../catalog/switchboard-error.js';
import { refuse, type Refusal } from './decision.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a claim held in a shared store keeps its key from other requests: longer than any request runs, so it
 * lapses only when the process holding it died before storing an outcome or releasing it.
 */
export const IDEMPOTENCY_CLAIM_MS = 5 * 60 * 1000;

export interface IdempotencyRecord {
  readonly requestHash: string;
  readonly state: 'in_progress' | 'done';
  readonly statusCode?: number;
  readonly body?: unknown;
  readonly createdAt: number;
}

export type IdempotencyDecision =
  | { readonly kind: 'proceed' }
  | { readonly kind: 'replay'; readonly statusCode: number; readonly body: unknown }
  | Refusal;

export function decideIdempotency(record: IdempotencyRecord | undefined, requestHash: string, now: number, ttlMs = IDEMPOTENCY_TTL_MS): IdempotencyDecision {
  if (!record || now - record.createdAt >= ttlMs) return { kind: 'proceed' };
  if (record.requestHash !== requestHash)
    return refuse(gatewayError('idempotency_key_reused', { detail: 'This Idempotency-Key was used for a different request in the last 24 hours.' }));
  if (record.state === 'in_progress')
    return refuse(gatewayError('idempotency_in_progress', { detail: 'The first request with this Idempotency-Key is still being processed.' }));
  return { kind: 'replay', statusCode: record.statusCode ?? 200, body: record.body };
}
