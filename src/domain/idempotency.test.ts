/** Idempotency decisions over the record's state, body hash and age. */
import { describe, expect, it } from 'vitest';
import { decideIdempotency, IDEMPOTENCY_TTL_MS } from './idempotency.js';

const now = 1_000_000_000;
describe('decideIdempotency', () => {
  it.each([
    [undefined, 'h', 'proceed'],
    [{ requestHash: 'h', state: 'done', statusCode: 202, body: { id: 'x' }, createdAt: now - 1 }, 'h', 'replay'],
    [{ requestHash: 'h', state: 'in_progress', createdAt: now - 1 }, 'h', 'idempotency_in_progress'],
    [{ requestHash: 'h', state: 'done', statusCode: 202, createdAt: now - 1 }, 'other', 'idempotency_key_reused'],
    [{ requestHash: 'h', state: 'done', statusCode: 202, createdAt: now - IDEMPOTENCY_TTL_MS }, 'other', 'proceed'],
  ] as const)('%j with %s → %s', (record, hash, expected) => {
    const d = decideIdempotency(record, hash, now);
    expect(d.kind === 'refuse' ? d.error.entry.code : d.kind).toBe(expected);
  });
});
