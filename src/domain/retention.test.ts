/** Retention rules: the horizon per table, and that nothing still in use is ever removed. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, SETTLED_MESSAGE_STATES, decideRetention, type RetentionFacts } from './retention.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const DAY = 24 * 3600 * 1000;
const old = now - 400 * DAY;
const recent = now - 1000;

describe('SETTLED_MESSAGE_STATES', () => {
  it('holds the states no dispatch event starts from', () => {
    expect([...SETTLED_MESSAGE_STATES].sort()).toEqual(['canceled', 'delivered', 'failed', 'read', 'sent']);
  });
});

describe('decideRetention', () => {
  const cases: [string, RetentionFacts, string][] = [
    ['a settled message past its horizon', { table: 'messages', at: old, state: 'delivered', hasJob: false }, 'remove'],
    ['a recent settled message', { table: 'messages', at: recent, state: 'read', hasJob: false }, 'keep:within_retention'],
    ['an old message still accepted', { table: 'messages', at: old, state: 'accepted', hasJob: true }, 'keep:in_use'],
    ['an old message still queued', { table: 'messages', at: old, state: 'queued', hasJob: false }, 'keep:in_use'],
    ['an old settled message that still has a job', { table: 'messages', at: old, state: 'sent', hasJob: true }, 'keep:in_use'],
    ['an old event fanned out, its deliveries gone', { table: 'events', at: old, fannedOut: true, hasDeliveries: false }, 'remove'],
    ['an old event not yet fanned out', { table: 'events', at: old, fannedOut: false, hasDeliveries: false }, 'keep:in_use'],
    ['an old event whose deliveries are kept', { table: 'events', at: old, fannedOut: true, hasDeliveries: true }, 'keep:in_use'],
    ['an old finished delivery', { table: 'webhook_deliveries', at: old, pending: false }, 'remove'],
    ['an old pending delivery', { table: 'webhook_deliveries', at: old, pending: true }, 'keep:in_use'],
    ['an old applied Meta delivery', { table: 'meta_webhooks', at: old, applied: true }, 'remove'],
    ['an old unapplied Meta delivery', { table: 'meta_webhooks', at: old, applied: false }, 'keep:in_use'],
    // Applied, its effects are in the rows it changed: by default its raw body is not kept at all.
    ['a Meta delivery applied a moment ago', { table: 'meta_webhooks', at: recent, applied: true }, 'remove'],
    ['a recent unapplied Meta delivery', { table: 'meta_webhooks', at: recent, applied: false }, 'keep:in_use'],
    ['an old attempt', { table: 'webhook_attempts', at: old }, 'remove'],
    ['an old inbound message', { table: 'inbound_messages', at: old }, 'remove'],
    ['an old upload', { table: 'media', at: old }, 'remove'],
    ['an old top-up', { table: 'credit_ledger', at: old, messageSettled: null }, 'fold'],
    ['an old reservation of a settled message', { table: 'credit_ledger', at: old, messageSettled: true }, 'fold'],
    ['an old reservation of a message not yet settled', { table: 'credit_ledger', at: old, messageSettled: false }, 'keep:in_use'],
    ['a recent ledger row', { table: 'credit_ledger', at: recent, messageSettled: null }, 'keep:within_retention'],
  ];
  it.each(cases)('%s', (_name, facts, expected) => {
    const decision = decideRetention(facts, DEFAULT_RETENTION, now);
    expect(decision.kind === 'keep' ? `keep:${decision.reason}` : decision.kind).toBe(expected);
  });

  it('keeps an idempotency key exactly as long as it is honoured', () => {
    const at = now - DEFAULT_RETENTION.idempotency_keys;
    expect(decideRetention({ table: 'idempotency_keys', at: at + 1 }, DEFAULT_RETENTION, now).kind).toBe('keep');
    expect(decideRetention({ table: 'idempotency_keys', at }, DEFAULT_RETENTION, now).kind).toBe('remove');
  });
});
