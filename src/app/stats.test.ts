import { describe, expect, it } from 'vitest';
import { bucketSeries, DEFAULT_PERIOD_MS, endpointBacklogView, errorStats, MAX_BUCKETS, numberQueueView, statsWindow, statusFunnel } from './stats.js';
import type { NumberActivity } from '../store/dashboard-store.js';

const now = Date.parse('2026-06-01T12:00:30Z');
const MINUTE = 60_000;

describe('statsWindow', () => {
  it('defaults to the hour ending with the current bucket, so reads within one bucket ask the same question', () => {
    const window = statsWindow({ accountId: 'acc_1', since: undefined, until: undefined, periodSeconds: undefined, bucketSeconds: undefined }, now);
    expect(window).toEqual({ accountId: 'acc_1', since: Date.parse('2026-06-01T12:01:00Z') - DEFAULT_PERIOD_MS, until: Date.parse('2026-06-01T12:01:00Z'), bucketMs: MINUTE });
    expect(statsWindow({ accountId: null, since: undefined, until: undefined, periodSeconds: undefined, bucketSeconds: undefined }, now + 20_000)).toEqual({ ...window, accountId: null });
  });

  it('takes a period length or explicit bounds', () => {
    expect(statsWindow({ accountId: null, since: undefined, until: now, periodSeconds: 600, bucketSeconds: 10 }, now)).toMatchObject({ since: now - 600_000, until: now, bucketMs: 10_000 });
    expect(statsWindow({ accountId: null, since: now - MINUTE, until: now, periodSeconds: 600, bucketSeconds: 10 }, now)).toMatchObject({ since: now - MINUTE });
  });

  it('refuses an empty period and one with more buckets than a chart shows', () => {
    expect(() => statsWindow({ accountId: null, since: now, until: now, periodSeconds: undefined, bucketSeconds: undefined }, now)).toThrow(expect.objectContaining({ entry: expect.objectContaining({ code: 'invalid_request' }) }));
    const periodSeconds = (MAX_BUCKETS + 1) * 10;
    expect(() => statsWindow({ accountId: null, since: undefined, until: undefined, periodSeconds, bucketSeconds: 10 }, now)).toThrow(/buckets/);
    expect(statsWindow({ accountId: null, since: undefined, until: now, periodSeconds: MAX_BUCKETS * 10, bucketSeconds: 10 }, now).since).toBe(now - MAX_BUCKETS * 10_000);
  });
});

describe('statusFunnel', () => {
  it('counts every message as accepted and a message in a later state as having passed the earlier ones', () => {
    const counts = [
      { at: 0, status: 'read', count: 2 }, { at: MINUTE, status: 'read', count: 1 }, { at: 0, status: 'delivered', count: 1 },
      { at: 0, status: 'queued', count: 4 }, { at: 0, status: 'failed', count: 5 },
      { at: 0, status: 'scheduled', count: 6 }, { at: 0, status: 'canceled', count: 7 },
    ];
    // Scheduled and canceled messages were accepted but never passed queued: they count only there and in their own state.
    expect(statusFunnel(counts)).toEqual({ accepted: 26, queued: 8, sent: 4, delivered: 4, read: 3, failed: 5, scheduled: 6, canceled: 7 });
    expect(statusFunnel([])).toEqual({ accepted: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, scheduled: 0, canceled: 0 });
  });
});

describe('bucketSeries', () => {
  it('gives one point per bucket of the period, empty ones included, oldest first', () => {
    const window = { accountId: null, since: 0, until: 3 * MINUTE, bucketMs: MINUTE };
    const rows = [{ at: 2 * MINUTE, key: 'b', count: 1 }, { at: 0, key: 'a', count: 2 }, { at: 0, key: 'a', count: 1 }];
    expect(bucketSeries(window, rows, (r) => r.key)).toEqual([
      { at: '1970-01-01T00:00:00.000Z', counts: { a: 3 } }, { at: '1970-01-01T00:01:00.000Z', counts: {} }, { at: '1970-01-01T00:02:00.000Z', counts: { b: 1 } },
    ]);
  });
});

describe('errorStats', () => {
  const window = { accountId: null, since: 0, until: MINUTE, bucketMs: MINUTE };
  it('totals failures by catalog entry, largest first, with what the catalog says about each', () => {
    const stats = errorStats(window, [
      { at: 0, namespace: 'gateway', code: 'upstream_throttled', count: 1 }, { at: 0, namespace: 'meta', code: 131026, count: 3 },
    ], null);
    expect(stats.codes.map((c) => [c.key, c.count, c.type])).toEqual([['meta/131026', 3, '/v1/errors/meta/131026'], ['gateway/upstream_throttled', 1, '/v1/errors/gateway/upstream_throttled']]);
    expect(stats.codes[0]).toMatchObject({ title: expect.any(String), retryable: false, action: expect.any(String) });
    expect(stats.preflight).toBeNull();
  });

  it('gives preflight\u2019s share of the bad sends, or none before any', () => {
    const refused = new Map([['outside_service_window', 3], ['recipient_opted_out', 1]]);
    const stats = errorStats(window, [], { refused, failedAfterAccept: 4 });
    expect(stats.preflight).toMatchObject({ scope: 'process', refused: 4, failed_after_accept: 4, share: 0.5 });
    expect(stats.preflight?.by_code.map((c) => [c.code, c.count])).toEqual([['outside_service_window', 3], ['recipient_opted_out', 1]]);
    expect(errorStats(window, [], { refused: new Map(), failedAfterAccept: 0 }).preflight?.share).toBeNull();
  });
});

describe('numberQueueView', () => {
  const number: NumberActivity = {
    numberId: 'num_1', accountId: 'acc_1', displayPhoneNumber: '+1', registration: 'registered', maxMps: 20, paused: false, heldUntil: null,
    holdError: JSON.stringify({ namespace: 'meta', code: 190, detail: 'token expired' }), jobs: 3, oldestDueAt: now - 4_000, sentLastMinute: 120,
  };
  it('tells sending, parked until a time and paused apart, with the reason only when held', () => {
    expect(numberQueueView(number, now)).toMatchObject({ state: 'sending', reason: null, held_until: null, queue_depth: 3, oldest_due_at: new Date(now - 4_000).toISOString(), throughput_per_second: 2, max_mps: 20 });
    expect(numberQueueView({ ...number, heldUntil: now + MINUTE }, now)).toMatchObject({ state: 'parked', held_until: new Date(now + MINUTE).toISOString(), reason: { namespace: 'meta', code: 190 } });
    expect(numberQueueView({ ...number, heldUntil: now - 1 }, now).state).toBe('sending');
    expect(numberQueueView({ ...number, paused: true }, now)).toMatchObject({ state: 'paused', reason: { namespace: 'meta', code: 190, detail: 'token expired' } });
  });
});

describe('endpointBacklogView', () => {
  it('gives the success rate of the attempts, or none without attempts', () => {
    const endpoint = { endpointId: 'ep_1', accountId: 'acc_1', url: 'https://x', enabled: true, pending: 2, delivered: 3, notDelivered: 1 };
    expect(endpointBacklogView(endpoint)).toMatchObject({ backlog: 2, attempts_last_day: 4, delivered_last_day: 3, success_rate: 0.75 });
    expect(endpointBacklogView({ ...endpoint, delivered: 0, notDelivered: 0 }).success_rate).toBeNull();
  });
});
