import { describe, expect, it } from 'vitest';
import { admitSend, nextDrainRate, RETRY_AFTER_BOUNDS, UNKNOWN_DRAIN_RETRY_SECONDS, type BacklogFigure } from './backpressure.js';

const dispatch = (waiting: number, bound: number, drainPerSecond: number | null = null): BacklogFigure => ({ kind: 'dispatch', waiting, bound, drainPerSecond });
const webhooks = (waiting: number, bound: number, drainPerSecond: number | null = null): BacklogFigure => ({ kind: 'webhooks', waiting, bound, drainPerSecond });

function refusal(figures: readonly BacklogFigure[]) {
  const decision = admitSend(figures);
  if (decision.kind !== 'refuse') throw new Error('expected a refusal');
  return decision;
}

describe('admitSend', () => {
  it.each([
    [[dispatch(0, 100)], 'admit'],
    [[dispatch(99, 100)], 'admit'],
    [[dispatch(100, 100)], 'refuse'],
    [[dispatch(5_000, 100)], 'refuse'],
    [[dispatch(1_000_000, 0)], 'admit'],
    [[dispatch(10, 100), webhooks(100, 100)], 'refuse'],
    [[dispatch(10, 100), webhooks(99, 100)], 'admit'],
    [[], 'admit'],
  ] as const)('%o → %s', (figures, kind) => {
    expect(admitSend(figures).kind).toBe(kind);
  });

  it('refuses with gateway_overloaded: 503, retryable, and which backlog is over', () => {
    const decision = refusal([dispatch(10, 100), webhooks(250, 200, 100)]);
    expect(decision.backlog).toBe('webhooks');
    expect(decision.error.entry).toMatchObject({ code: 'gateway_overloaded', httpStatus: 503, retry: { class: 'throttled' } });
    expect(decision.error.detail).toContain('250 deliveries are waiting for customer webhook endpoints');
  });

  it('tells the sender how long the excess takes to drain at the recent rate', () => {
    // The excess plus the one that must leave for a send to fit, over 100/s: 1,000 → 10 s, 1,001 → 11 s.
    expect(refusal([dispatch(2_000, 1_001, 100)]).error.retryAfterSeconds).toBe(10);
    expect(refusal([dispatch(2_000, 1_000, 100)]).error.retryAfterSeconds).toBe(11);
  });

  it('clamps the wait between the least worth asking again after and the most worth waiting', () => {
    expect(refusal([dispatch(100, 100, 10_000)]).error.retryAfterSeconds).toBe(RETRY_AFTER_BOUNDS.minSeconds);
    expect(refusal([dispatch(1_000_000, 100, 1)]).error.retryAfterSeconds).toBe(RETRY_AFTER_BOUNDS.maxSeconds);
    expect(refusal([dispatch(101, 100, 0)]).error.retryAfterSeconds).toBe(RETRY_AFTER_BOUNDS.maxSeconds);
  });

  it('answers a fixed small wait when no drain rate was measured yet', () => {
    expect(refusal([dispatch(1_000_000, 100)]).error.retryAfterSeconds).toBe(UNKNOWN_DRAIN_RETRY_SECONDS);
  });

  it('answers the longer wait when both backlogs are over', () => {
    const decision = refusal([dispatch(200, 100, 100), webhooks(3_000, 100, 100)]);
    expect(decision.backlog).toBe('webhooks');
    expect(decision.error.retryAfterSeconds).toBe(30);
  });
});

describe('nextDrainRate', () => {
  const sample = (previous: number, current: number, added: number, ms = 1_000) => ({ previous: { at: 0, waiting: previous }, current: { at: ms, waiting: current }, added });

  it('measures what left the backlog per second, counting what joined it meanwhile', () => {
    expect(nextDrainRate(null, sample(500, 400, 0))).toBe(100);
    expect(nextDrainRate(null, sample(500, 500, 50, 250))).toBe(200);
  });

  it('reads a growing backlog as draining at 0', () => {
    expect(nextDrainRate(null, sample(400, 500, 0))).toBe(0);
  });

  it('moves a known rate part of the way towards each new sample', () => {
    const rate = nextDrainRate(100, sample(500, 300, 0)) as number;
    expect(rate).toBeGreaterThan(100);
    expect(rate).toBeLessThan(200);
  });

  it('keeps the rate when no time passed between the counts', () => {
    expect(nextDrainRate(42, sample(500, 0, 0, 0))).toBe(42);
  });
});
