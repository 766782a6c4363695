import { describe, expect, it } from 'vitest';
import type { BacklogReading } from '../store/gauge-store.js';
import { BACKLOG_REFRESH_MS, BackpressureGate } from './backpressure-gate.js';

/** A store whose counts the test sets, answering each read when the test releases it; it notes every read. */
function fakeStore(initial: BacklogReading = { dueJobs: 0, pendingDeliveries: 0 }) {
  const fake = {
    reading: initial,
    reads: [] as { now: number; limits: BacklogReading }[],
    failNext: false,
    readBacklog(now: number, limits: BacklogReading): Promise<BacklogReading> {
      fake.reads.push({ now, limits });
      if (fake.failNext) return Promise.reject(new Error('store down'));
      return Promise.resolve(fake.reading);
    },
  };
  return fake;
}

function gateWith(bounds: { dueMessages: number; pendingDeliveries: number }, initial?: BacklogReading) {
  const store = fakeStore(initial);
  let now = 1_000_000;
  const errors: unknown[] = [];
  const gate = new BackpressureGate(store, bounds, () => now, (error) => errors.push(error));
  return { gate, store, errors, advance: (ms: number) => void (now += ms) };
}

/** Lets a background count started by `admit` finish. */
const settleCounts = () => new Promise((r) => setImmediate(r));

describe('BackpressureGate', () => {
  it('counts once for concurrent first sends, each figure up to twice its bound', async () => {
    const { gate, store } = gateWith({ dueMessages: 10, pendingDeliveries: 50 });
    await Promise.all([gate.admit(1), gate.admit(1), gate.admit(1)]);
    expect(store.reads).toHaveLength(1);
    expect(store.reads[0]!.limits).toEqual({ dueJobs: 20, pendingDeliveries: 100 });
  });

  it('adds the sends it admitted to the cached count, so a burst between counts stops at the bound', async () => {
    const { gate, store } = gateWith({ dueMessages: 10, pendingDeliveries: 0 }, { dueJobs: 7, pendingDeliveries: 0 });
    const kinds = [];
    for (let i = 0; i < 5; i += 1) kinds.push((await gate.admit(1)).kind);
    expect(kinds).toEqual(['admit', 'admit', 'admit', 'refuse', 'refuse']);
    expect(store.reads).toHaveLength(1);
  });

  it('counts a batch as its messages', async () => {
    const { gate } = gateWith({ dueMessages: 10, pendingDeliveries: 0 });
    expect((await gate.admit(10)).kind).toBe('admit');
    expect((await gate.admit(1)).kind).toBe('refuse');
  });

  it('counts again once the figures are a refresh period old, and trusts the new count for the sends it saw settle', async () => {
    const { gate, store, advance } = gateWith({ dueMessages: 3, pendingDeliveries: 0 });
    for (let i = 0; i < 3; i += 1) await gate.admit(1);
    expect((await gate.admit(1)).kind).toBe('refuse');
    gate.settle(3);
    // Dispatch took two of the three meanwhile.
    store.reading = { dueJobs: 1, pendingDeliveries: 0 };
    advance(BACKLOG_REFRESH_MS - 1);
    await gate.admit(0);
    expect(store.reads).toHaveLength(1);
    advance(1);
    await gate.admit(0);
    await settleCounts();
    expect(store.reads).toHaveLength(2);
    expect((await gate.admit(1)).kind).toBe('admit');
    expect((await gate.admit(1)).kind).toBe('admit');
    expect((await gate.admit(1)).kind).toBe('refuse');
  });

  it('still adds sends that were being accepted while the store was counted', async () => {
    const { gate, store, advance } = gateWith({ dueMessages: 3, pendingDeliveries: 0 });
    await gate.admit(2);
    advance(BACKLOG_REFRESH_MS);
    // The count started before those two were stored, so it saw none of them.
    await gate.admit(0);
    await settleCounts();
    expect(store.reads).toHaveLength(2);
    expect((await gate.admit(1)).kind).toBe('admit');
    expect((await gate.admit(1)).kind).toBe('refuse');
  });

  it('refuses on the webhook figure alone', async () => {
    const { gate } = gateWith({ dueMessages: 0, pendingDeliveries: 100 }, { dueJobs: 0, pendingDeliveries: 100 });
    const decision = await gate.admit(1);
    expect(decision.kind === 'refuse' && decision.backlog).toBe('webhooks');
  });

  it('tells refused senders the wait the measured drain rate gives', async () => {
    const { gate, store, advance } = gateWith({ dueMessages: 100, pendingDeliveries: 0 }, { dueJobs: 190, pendingDeliveries: 0 });
    expect((await gate.admit(1)).kind).toBe('refuse');
    // 40 left in a second: the 50 over the bound, and the one more that must leave, take 2 s at 40/s.
    store.reading = { dueJobs: 150, pendingDeliveries: 0 };
    advance(1_000);
    await gate.admit(0);
    await settleCounts();
    const decision = await gate.admit(1);
    expect(decision.kind === 'refuse' && decision.error.retryAfterSeconds).toBe(2);
  });

  it('admits while the store cannot be counted, reports the failure, and tries again a period later', async () => {
    const { gate, store, errors, advance } = gateWith({ dueMessages: 1, pendingDeliveries: 0 }, { dueJobs: 5, pendingDeliveries: 0 });
    store.failNext = true;
    expect((await gate.admit(1)).kind).toBe('admit');
    expect(errors).toHaveLength(1);
    await gate.admit(1);
    expect(store.reads).toHaveLength(1);
    store.failNext = false;
    advance(BACKLOG_REFRESH_MS);
    expect((await gate.admit(1)).kind).toBe('refuse');
    expect(store.reads).toHaveLength(2);
  });

  it('is off with both bounds at 0', () => {
    expect(gateWith({ dueMessages: 0, pendingDeliveries: 0 }).gate.enabled).toBe(false);
    expect(gateWith({ dueMessages: 1, pendingDeliveries: 0 }).gate.enabled).toBe(true);
  });
});
