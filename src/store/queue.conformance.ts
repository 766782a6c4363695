/**
 * The queue port's conformance suite (runtime/job-queue.ts), written once for every engine: each method of the outbox
 * and of the webhook-delivery queue, and the one store operation that holds a number and gives its job back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatewayEntry } from '../catalog/catalog.js';
import { SwitchboardError } from '../catalog/switchboard-error.js';
import type { Store } from './store.js';

export interface QueueHarness {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
  /**
   * Makes every later change to an outbox job fail (the engine's way: a trigger, say), as a crash in the middle of an
   * operation would; the function it answers makes them work again.
   */
  readonly failJobWrites: () => Promise<() => Promise<void>>;
}

const LEASE = 30_000;

export function describeQueueConformance(name: string, open: () => Promise<QueueHarness>): void {
  describe(`Queue conformance: ${name}`, () => {
    let harness: QueueHarness;
    let store: Store;
    const now = Date.parse('2026-06-01T12:00:00Z');
    beforeEach(async () => ({ store } = harness = await open()));
    afterEach(() => harness.dispose());

    async function tenant() {
      const account = await store.createAccount({ name: 't' }, now);
      const number = await store.createNumber({ phoneNumberId: `${Math.random()}`.slice(2, 14), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id, accessToken: 'tok' }, now);
      return { account, number };
    }
    async function accept(count: number, at = now) {
      const { account, number } = await tenant();
      const results = await store.acceptMessages(Array.from({ length: count }, () => ({ accountId: account.id, numberId: number.id, to: '4915112345678', type: 'text' as const, payload: {}, creditCost: 0 })), at);
      return { account, number, ids: results.map((r) => (r.kind === 'accepted' ? r.id : '')) };
    }
    const claim = (owner: string, at: number, limit = 10) => store.dispatchQueue.claim({ owner, now: at, leaseMs: LEASE, limit });
    const messageIds = (jobs: readonly { messageId: string }[]) => jobs.map((j) => j.messageId);

    describe('the outbox', () => {
      it('claims due jobs only, earliest first, up to the limit, each to one owner until its lease lapses', async () => {
        const early = await accept(2, now - 10);
        const late = await accept(1, now);
        await accept(1, now + 60_000);
        expect(messageIds(await claim('w1', now, 2))).toEqual(early.ids);
        expect(messageIds(await claim('w2', now, 10))).toEqual(late.ids);
        expect(await claim('w2', now + LEASE - 1)).toEqual([]);
        const lapsed = await claim('w2', now + LEASE);
        expect(messageIds(lapsed).sort()).toEqual([...early.ids, ...late.ids].sort());
        expect(lapsed.every((j) => j.id !== '' && !j.interrupted && !j.probe)).toBe(true);
      });

      it('renews only the leases its owner holds', async () => {
        await accept(2);
        const [mine, theirs] = await claim('w1', now);
        await store.dispatchQueue.renew('w1', [mine!.id], now + 2 * LEASE);
        await store.dispatchQueue.renew('w2', [theirs!.id], now + 2 * LEASE);
        expect((await claim('w3', now + LEASE)).map((j) => j.id)).toEqual([theirs!.id]);
        expect((await claim('w4', now + 2 * LEASE)).map((j) => j.id).sort()).toEqual([mine!.id, theirs!.id].sort());
      });

      it('releases jobs due at the given time, with their leases and call marks gone', async () => {
        await accept(1);
        const [job] = await claim('w1', now);
        const [task] = await store.dispatch.loadTasks([job!], now);
        expect(await store.dispatch.markCalls('w1', [task!], now)).toEqual([{ kind: 'call' }]);
        await store.dispatchQueue.release([job!.id], now + 5_000);
        expect(await claim('w2', now + 4_999)).toEqual([]);
        expect(await claim('w2', now + 5_000)).toMatchObject([{ id: job!.id, interrupted: false }]);
      });

      it('never hands out a completed job again', async () => {
        await accept(2);
        const [done, open] = await claim('w1', now);
        await store.dispatchQueue.complete([done!.id]);
        expect((await claim('w2', now + LEASE)).map((j) => j.id)).toEqual([open!.id]);
      });

      it('frees every lease at once, keeping the marks of calls that never ended', async () => {
        await accept(3);
        const jobs = await claim('w1', now);
        await store.dispatch.markCalls('w1', await store.dispatch.loadTasks(jobs.slice(0, 1), now), now);
        expect(await store.dispatchQueue.releaseAll()).toBe(3);
        expect(await store.dispatchQueue.releaseAll()).toBe(0);
        const again = await claim('w2', now + 1);
        expect(again.map((j) => [j.id, j.interrupted])).toEqual(jobs.map((j, i) => [j.id, i === 0]));
      });

      it('makes due at once, earliest first, only the jobs that wait for the upstream', async () => {
        await accept(3);
        const tasks = await store.dispatch.loadTasks(await claim('w1', now), now);
        const outage = new SwitchboardError(gatewayEntry('upstream_unavailable'));
        await store.dispatch.settleRetry(tasks[0]!, now + 60_000, outage, now, true);
        await store.dispatch.settleRetry(tasks[1]!, now + 50_000, outage, now, true);
        await store.dispatch.settleRetry(tasks[2]!, now + 40_000, outage, now, false);
        await store.dispatchQueue.releaseUpstreamWaits(now + 1, 1);
        expect(messageIds(await claim('w1', now + 1))).toEqual([tasks[1]!.messageId]);
        await store.dispatchQueue.releaseUpstreamWaits(now + 2);
        expect(messageIds(await claim('w1', now + 2))).toEqual([tasks[0]!.messageId]);
      });
    });

    describe('holding a number', () => {
      const maintenance = () => new SwitchboardError(gatewayEntry('upstream_unavailable'));

      it('holds the number and gives its job back due when the hold ends, in one operation', async () => {
        const { account, number, ids } = await accept(1);
        const [task] = await store.dispatch.loadTasks(await claim('w1', now), now);
        await store.dispatch.holdNumber(task!, now + 5_000, maintenance(), now);
        expect(await store.dispatch.getSendRoute(number.id)).toMatchObject({ heldUntil: now + 5_000, paused: false });
        expect((await store.getMessage(account.id, ids[0]!))?.status).toBe('accepted');
        expect(await claim('w2', now + 4_999)).toEqual([]);
        expect(await claim('w2', now + 5_000)).toMatchObject([{ id: task!.jobId, probe: true, interrupted: false }]);
      });

      it('leaves neither a held number with its job still leased nor a job released early when the write fails between', async () => {
        const { number } = await accept(1);
        const [task] = await store.dispatch.loadTasks(await claim('w1', now), now);
        const restore = await harness.failJobWrites();
        await expect(store.dispatch.holdNumber(task!, now + 5_000, maintenance(), now)).rejects.toThrow();
        await expect(store.dispatch.holdNumber(task!, null, maintenance(), now)).rejects.toThrow();
        await restore();
        // Nothing of either hold was written: the number sends, and the job is still the worker's, as before the hold.
        expect(await store.dispatch.getSendRoute(number.id)).toMatchObject({ heldUntil: null, paused: false });
        expect(await claim('w2', now + 1)).toEqual([]);
        expect(await store.dispatch.markCalls('w1', [task!], now + 1)).toEqual([{ kind: 'call' }]);
      });
    });

    describe('the webhook deliveries', () => {
      async function deliveries(count: number) {
        const { account } = await accept(0);
        const endpoints = await Promise.all(['a', 'b'].map((h) => store.webhooks.createEndpoint({ accountId: account.id, url: `https://${h}.example/h`, secret: 'whsec_conformance' }, now)));
        const number = await store.createNumber({ phoneNumberId: `${Math.random()}`.slice(2, 14), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id }, now);
        await store.acceptMessages(Array.from({ length: count }, () => ({ accountId: account.id, numberId: number.id, to: '49151', type: 'text' as const, payload: {}, creditCost: 0 })), now);
        await store.webhooks.fanOutEvents(now, 100);
        return endpoints.map((e) => e.id) as [string, string];
      }
      const claimLane = (lane: string | undefined, owner: string, at: number) =>
        store.webhookQueue.claim({ owner, now: at, leaseMs: LEASE, limit: 10, ...(lane === undefined ? {} : { lane }) });

      it('claims lane by lane, or across lanes, each delivery to one owner until its lease lapses', async () => {
        const [a, b] = await deliveries(2);
        expect((await claimLane(a, 'w1', now)).map((j) => j.endpointId)).toEqual([a, a]);
        expect((await claimLane(undefined, 'w2', now)).map((j) => j.endpointId)).toEqual([b, b]);
        expect(await claimLane(undefined, 'w3', now + LEASE - 1)).toEqual([]);
        expect(await claimLane(a, 'w3', now + LEASE)).toHaveLength(2);
      });

      it('renews its owner’s leases, releases due at a time, completes for good, and frees every lease', async () => {
        const [a] = await deliveries(3);
        const [kept, released, done] = await claimLane(a, 'w1', now);
        await store.webhookQueue.renew('w1', [kept!.id], now + 2 * LEASE);
        await store.webhookQueue.renew('w2', [released!.id, done!.id], now + 2 * LEASE);
        await store.webhookQueue.release([released!.id], now + 10);
        await store.webhookQueue.complete([done!.id]);
        expect(await claimLane(a, 'w2', now + 9)).toEqual([]);
        expect((await claimLane(a, 'w2', now + 10)).map((j) => j.id)).toEqual([released!.id]);
        expect(await claimLane(a, 'w3', now + LEASE)).toEqual([]);
        expect(await store.webhookQueue.releaseAll()).toBe(2);
        expect((await claimLane(a, 'w3', now + 11)).map((j) => j.id).sort()).toEqual([kept!.id, released!.id].sort());
        expect(await store.webhooks.loadDeliveries([{ id: kept!.id, endpointId: a }])).toMatchObject([{ deliveryId: kept!.id, endpointId: a, attempts: 0 }]);
      });
    });
  });
}
