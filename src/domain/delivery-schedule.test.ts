import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_SCHEDULE, decideRedelivery, shouldDisableEndpoint } from './delivery-schedule.js';

const schedule = { retriesMs: [0, 5000, 300_000], disableAfterMs: 3_600_000 };
const now = 10_000_000;
const noJitter = () => 0.5;

describe('decideRedelivery', () => {
  it.each([
    [1, 0],
    [2, 5000],
    [3, 300_000],
  ])('after attempt %i of a 500 waits %i ms', (attempts, wait) => {
    expect(decideRedelivery({ kind: 'status', status: 500 }, attempts, now, schedule, noJitter)).toEqual({ kind: 'retry', at: now + wait });
  });

  it('gives up after the last scheduled retry', () => {
    expect(decideRedelivery({ kind: 'status', status: 500 }, 4, now, schedule, noJitter)).toEqual({ kind: 'give-up' });
    expect(DEFAULT_DELIVERY_SCHEDULE.retriesMs).toHaveLength(8);
  });

  it('waits at least a minute after a timeout or a 429', () => {
    expect(decideRedelivery({ kind: 'timeout' }, 2, now, schedule, noJitter)).toEqual({ kind: 'retry', at: now + 60_000 });
    expect(decideRedelivery({ kind: 'status', status: 429 }, 1, now, schedule, noJitter)).toEqual({ kind: 'retry', at: now + 60_000 });
  });

  it('honours Retry-After within [base, 2 × base]', () => {
    expect(decideRedelivery({ kind: 'status', status: 503, retryAfterSeconds: 7 }, 2, now, schedule, noJitter)).toEqual({ kind: 'retry', at: now + 7000 });
    expect(decideRedelivery({ kind: 'status', status: 503, retryAfterSeconds: 3600 }, 2, now, schedule, noJitter)).toEqual({ kind: 'retry', at: now + 10_000 });
    expect(decideRedelivery({ kind: 'status', status: 503, retryAfterSeconds: 1 }, 2, now, schedule, noJitter)).toEqual({ kind: 'retry', at: now + 5000 });
  });

  it('spreads retries by ±20 %', () => {
    const low = decideRedelivery({ kind: 'network' }, 3, now, schedule, () => 0);
    const high = decideRedelivery({ kind: 'network' }, 3, now, schedule, () => 1);
    expect([low, high]).toEqual([{ kind: 'retry', at: now + 240_000 }, { kind: 'retry', at: now + 360_000 }]);
  });
});

describe('shouldDisableEndpoint', () => {
  it.each([
    [null, false],
    [now - 3_599_999, false],
    [now - 3_600_000, true],
  ])('failing since %s → %s', (since, disabled) => {
    expect(shouldDisableEndpoint(since, now, schedule)).toBe(disabled);
  });
});
