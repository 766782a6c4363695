/** The transition table: every allowed step, the refusals that keep statuses monotonic. */
import { describe, expect, it } from 'vitest';
import { FINAL_STATES, MESSAGE_EVENTS, MESSAGE_STATES, STATE_RANK, transition, type MessageEvent, type MessageState } from './message-state.js';

const cases: [MessageState, MessageEvent, MessageState | 'refuse'][] = [
  ['accepted', 'claim', 'queued'],
  ['queued', 'claim', 'queued'],
  ['queued', 'upstream_accepted', 'sent'],
  ['queued', 'retry', 'accepted'],
  ['queued', 'status_read', 'read'],
  ['sent', 'status_delivered', 'delivered'],
  ['delivered', 'status_read', 'read'],
  ['sent', 'status_failed', 'failed'],
  ['read', 'status_delivered', 'refuse'],
  ['delivered', 'status_sent', 'refuse'],
  ['delivered', 'status_failed', 'refuse'],
  ['failed', 'status_read', 'refuse'],
  ['sent', 'claim', 'refuse'],
  ['accepted', 'upstream_accepted', 'refuse'],
  ['accepted', 'status_sent', 'sent'],
  ['accepted', 'status_delivered', 'delivered'],
  ['accepted', 'status_read', 'read'],
  ['accepted', 'status_failed', 'failed'],
  ['queued', 'status_sent', 'sent'],
  ['scheduled', 'claim', 'queued'],
  ['scheduled', 'cancel', 'canceled'],
  ['accepted', 'cancel', 'canceled'],
  ['queued', 'cancel', 'canceled'],
  ['sent', 'cancel', 'refuse'],
  ['canceled', 'claim', 'refuse'],
  ['canceled', 'status_sent', 'refuse'],
  ['canceled', 'expire', 'refuse'],
  ['scheduled', 'expire', 'failed'],
  ['queued', 'expire', 'failed'],
  ['sent', 'expire', 'refuse'],
  ['failed', 'cancel', 'refuse'],
];

/** States a message is in only before it was handed to Meta, or never after: no status of Meta's can be about them. */
const NEVER_WITH_META: readonly MessageState[] = ['scheduled', 'canceled'];

describe('transition', () => {
  it.each(cases)('%s + %s → %s', (from, event, expected) => {
    const decision = transition(from, event);
    if (expected === 'refuse') expect(decision.kind).toBe('refuse');
    else expect(decision).toEqual({ kind: 'move', from, to: expected });
  });

  it('lets a status webhook move every state before it forward, and no final state', () => {
    const statusTargets: Partial<Record<MessageEvent, MessageState>> = { status_sent: 'sent', status_delivered: 'delivered', status_read: 'read', status_failed: 'failed' };
    for (const [event, target] of Object.entries(statusTargets) as [MessageEvent, MessageState][]) {
      for (const state of MESSAGE_STATES.filter((s) => !NEVER_WITH_META.includes(s))) {
        // `failed` ranks last but only follows what Meta may still fail: nothing it delivered.
        const ceiling = target === 'failed' ? STATE_RANK.delivered : STATE_RANK[target];
        const earlier = STATE_RANK[state] < ceiling;
        expect(transition(state, event).kind, `${state} + ${event}`).toBe(earlier ? 'move' : 'refuse');
      }
    }
  });

  it('lets no status of Meta move a scheduled or canceled message, and nothing move a canceled one', () => {
    for (const state of NEVER_WITH_META)
      for (const event of MESSAGE_EVENTS.filter((e) => e.startsWith('status_'))) expect(transition(state, event).kind).toBe('refuse');
    for (const event of MESSAGE_EVENTS) expect(transition('canceled', event).kind).toBe('refuse');
  });

  it('never lowers the rank of a delivered-or-later message on a status event', () => {
    for (const state of MESSAGE_STATES) {
      for (const event of MESSAGE_EVENTS.filter((e) => e.startsWith('status_'))) {
        const d = transition(state, event);
        if (d.kind === 'move') expect(STATE_RANK[d.to]).toBeGreaterThanOrEqual(STATE_RANK[state]);
      }
    }
  });
});

describe('FINAL_STATES', () => {
  it('are read, failed and canceled: no event leads out of them, and every other state has a way out', () => {
    expect([...FINAL_STATES].sort()).toEqual(['canceled', 'failed', 'read']);
  });
});

describe('docs/lifecycle.md', () => {
  it('lists every state of the table, and only those, in its state table', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/lifecycle.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| (`[a-z]+`(?:, `[a-z]+`)*) \|/gm)].flatMap((m) => m[1]!.split(', ').map((s) => s.slice(1, -1)));
    expect([...documented].sort()).toEqual([...MESSAGE_STATES].sort());
  });
});
