import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, decideRetry, type FailedAttempt } from './retry-policy.js';

const schedule = { ...DEFAULT_RETRY_SCHEDULE, baseMs: 1000, factor: 2, capMs: 60_000, maxAttempts: 5, maxAgeMs: 3_600_000 };
const now = 1_000_000;
const failure = (over: Partial<FailedAttempt>): FailedAttempt => ({ retry: { class: 'transient' }, attempts: 1, firstAttemptAt: now, now, ...over });

describe('decideRetry', () => {
  it.each([
    ['fix-request', { kind: 'fail', exhausted: false }],
    ['permanent', { kind: 'fail', exhausted: false }],
    ['reauth', { kind: 'pause-number' }],
  ] as const)('%s → %o', (retryClass, decision) => {
    expect(decideRetry(failure({ retry: { class: retryClass } }), schedule, () => 0.5)).toEqual(decision);
  });

  it.each([
    [1, 1, 1000],
    [3, 1, 4000],
    [10, 1, 60_000],
    [3, 0.5, 2000],
    [3, 0, 0],
  ])('transient attempt %i with random %d waits %i ms (full jitter, capped)', (attempts, random, waitMs) => {
    expect(decideRetry(failure({ attempts }), { ...schedule, maxAttempts: 99 }, () => random)).toEqual({ kind: 'retry', at: now + waitMs, slowDown: false });
  });

  it('never retries a transient error sooner than the answer asked', () => {
    expect(decideRetry(failure({ retryAfterSeconds: 30 }), schedule, () => 0)).toMatchObject({ at: now + 30_000 });
  });

  it('fails a transient error once the attempts or the age run out', () => {
    expect(decideRetry(failure({ attempts: 5 }), schedule, () => 0.5)).toEqual({ kind: 'fail', exhausted: true });
    expect(decideRetry(failure({ firstAttemptAt: now - 3_600_001 }), schedule, () => 0)).toEqual({ kind: 'fail', exhausted: true });
  });

  it('retries throttled errors after the hint grows 1, 4, 16 s and asks to slow down', () => {
    const pair = { class: 'throttled', backoff: { baseSeconds: 1, factor: 4 } } as const;
    const waits = [1, 2, 3].map((attempts) => decideRetry(failure({ retry: pair, attempts }), schedule, () => 0));
    expect(waits).toEqual([1000, 4000, 16_000].map((ms) => ({ kind: 'retry', at: now + ms, slowDown: true })));
  });

  it('adds at most 20 % jitter above a throttled floor, and uses the default hold without a hint', () => {
    expect(decideRetry(failure({ retry: { class: 'throttled', delaySeconds: 10 } }), schedule, () => 0.999)).toMatchObject({ at: now + 10_000 + 1998 });
    expect(decideRetry(failure({ retry: { class: 'throttled' } }), schedule, () => 0)).toMatchObject({ at: now + schedule.defaultHoldMs });
  });

  it('parks the number for the parsed wait, or probes sooner than the entry hint or the default hold', () => {
    const probing = { ...schedule, waitProbeMs: 5_000 };
    expect(decideRetry(failure({ retry: { class: 'wait', delaySeconds: 60 }, retryAfterSeconds: 5880 }), probing, () => 0)).toEqual({ kind: 'park-number', until: now + 5_880_000 });
    expect(decideRetry(failure({ retry: { class: 'wait', delaySeconds: 60 } }), probing, () => 0)).toEqual({ kind: 'park-number', until: now + 5_000 });
    expect(decideRetry(failure({ retry: { class: 'wait', delaySeconds: 2 } }), probing, () => 0)).toEqual({ kind: 'park-number', until: now + 2_000 });
    expect(decideRetry(failure({ retry: { class: 'wait' } }), { ...probing, waitProbeMs: Infinity }, () => 0)).toEqual({ kind: 'park-number', until: now + schedule.defaultHoldMs });
  });

  it('retries a call whose answer was lost no sooner than its status grace, whatever the jitter drew', () => {
    expect(decideRetry(failure({ statusGraceMs: 10_000 }), schedule, () => 0.5)).toEqual({ kind: 'retry', at: now + 10_000, slowDown: false });
    expect(decideRetry(failure({ attempts: 5, statusGraceMs: 10_000 }), { ...schedule, maxAttempts: 9 }, () => 0.99)).toMatchObject({ at: now + 15_840 });
  });

  it('parks no longer than the configured maximum', () => {
    expect(decideRetry(failure({ retry: { class: 'wait', delaySeconds: 3600 } }), { ...schedule, maxHoldMs: 500 }, () => 0)).toEqual({ kind: 'park-number', until: now + 500 });
  });
});
