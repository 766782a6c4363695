/** The pruner's loop: rounds while there is more, then waits; and it stops cleanly, mid-round included. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION } from '../domain/retention.js';
import { Pruner, type RetentionPort } from './pruner.js';

/** A store with `rows` prunable attempts, removed `limit` at a time; a batch can be held open by the test. */
function fakeStore(rows: number) {
  let left = rows;
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const store: RetentionPort = {
    async pruneBatch(table, _cutoff, limit) {
      calls.push(table);
      if (table !== 'webhook_attempts') return 0;
      if (gate) await gate;
      const n = Math.min(left, limit);
      left -= n;
      return n;
    },
    async accountsAfter() {
      return [];
    },
    async compactLedger() {
      return 0;
    },
  };
  return {
    store,
    calls,
    left: () => left,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open?.(),
  };
}

const config = { policy: DEFAULT_RETENTION, batchRows: 10, pauseMs: 0, intervalMs: 60_000, retryAfterErrorMs: 60_000 };
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
};

describe('Pruner', () => {
  it('runs rounds until every table is caught up, then waits for the interval', async () => {
    const fake = fakeStore(35);
    const pruner = new Pruner({ store: fake.store, config, now: () => 0, onError: () => undefined });
    pruner.start();
    await until(() => fake.left() === 0 && fake.calls.length >= 4 * 8);
    const callsWhenCaughtUp = fake.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    await pruner.stop();
    expect(pruner.totals.webhook_attempts).toBe(35);
    // Four batches of attempts (10, 10, 10, 5), the last of them short: no fifth round before the interval.
    expect(callsWhenCaughtUp).toBe(4 * 8);
    expect(fake.calls.length).toBe(callsWhenCaughtUp);
  });

  it('stops after the batch under way and starts no other', async () => {
    const fake = fakeStore(1000);
    const pruner = new Pruner({ store: fake.store, config, now: () => 0, onError: () => undefined });
    fake.hold();
    pruner.start();
    await until(() => fake.calls.includes('webhook_attempts'));
    let stopped = false;
    const stopping = pruner.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(stopped).toBe(false);
    fake.release();
    await stopping;
    const calls = fake.calls.length;
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.calls.length).toBe(calls);
    expect(fake.calls).toEqual(['webhook_attempts']);
    expect(pruner.totals.webhook_attempts).toBe(10);
  });

  it('tries again soon after a failed batch (a busy database), not after the whole interval', async () => {
    const fake = fakeStore(5);
    let failures = 0;
    const store: RetentionPort = {
      ...fake.store,
      async pruneBatch(table, cutoff, limit) {
        if (failures++ === 0) throw new Error('database is locked');
        return fake.store.pruneBatch(table, cutoff, limit);
      },
    };
    const errors: unknown[] = [];
    const pruner = new Pruner({ store, config: { ...config, retryAfterErrorMs: 1 }, now: () => 0, onError: (e) => errors.push(e) });
    pruner.start();
    await until(() => fake.left() === 0);
    await pruner.stop();
    expect(errors).toHaveLength(1);
    expect(pruner.totals.webhook_attempts).toBe(5);
  });
});
