/**
 * The queue port's conformance suite (runtime/job-queue.ts): each method of the outbox, run once per engine through the
 * shared implementation, with the one model operation that holds a number and gives its job back; and each method of
 * the webhook-delivery queue, through a whole store.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachEngine, type EngineName, type TestEngine } from '../../test/helpers/engines.js';
import { seedMessages, seedTenant, TEST_SECRETS, type Tenant } from '../../test/helpers/outbox-rows.js';
import { gatewayEntry } from '../catalog/catalog.js';
import { SwitchboardError } from '../catalog/switchboard-error.js';
import type { DispatchJob } from './dispatch-store.js';
import { SqlDispatch } from './sql/sql-dispatch.js';
import { SqlOutboxQueue } from './sql/sql-outbox-queue.js';
import type { Store } from './store.js';

export interface QueueHarness {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
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

      it('renews its owner’s leases, releases due at a time, completes for good, and frees the leases of workers that are gone', async () => {
        const [a] = await deliveries(3);
        const [kept, released, done] = await claimLane(a, 'w1', now);
        await store.webhookQueue.renew('w1', [kept!.id], now + 2 * LEASE);
        await store.webhookQueue.renew('w2', [released!.id, done!.id], now + 2 * LEASE);
        await store.webhookQueue.release([released!.id], now + 10);
        await store.webhookQueue.complete([done!.id]);
        expect(await claimLane(a, 'w2', now + 9)).toEqual([]);
        expect((await claimLane(a, 'w2', now + 10)).map((j) => j.id)).toEqual([released!.id]);
        expect(await claimLane(a, 'w3', now + LEASE)).toEqual([]);
        const freed = await store.webhookQueue.releaseAbandoned();
        // Where workers of several processes claim, w1 and w2 are this live process's workers: nothing of theirs is freed
        // (a dead process's leases are: postgres-session.postgres.test.ts). Where one process works, all are.
        if (store.capabilities.workersAcrossProcesses) return void expect(freed).toBe(0);
        expect(freed).toBe(2);
        expect((await claimLane(a, 'w3', now + 11)).map((j) => j.id).sort()).toEqual([kept!.id, released!.id].sort());
        expect(await store.webhooks.loadDeliveries([{ id: kept!.id, endpointId: a }])).toMatchObject([{ deliveryId: kept!.id, endpointId: a, attempts: 0 }]);
      });
    });
  });
}

/**
 * A trigger that makes every later update of an outbox job fail, as a crash in the middle of an operation would; the
 * function it answers drops it. Each engine spells triggers its own way.
 */
const FAIL_JOB_WRITES: Record<EngineName, { readonly create: readonly string[]; readonly drop: readonly string[] }> = {
  sqlite: {
    create: [`CREATE TRIGGER conformance_fail_job_writes BEFORE UPDATE ON outbox BEGIN SELECT RAISE(ABORT, 'job writes fail'); END`],
    drop: ['DROP TRIGGER conformance_fail_job_writes'],
  },
  postgres: {
    create: [
      `CREATE FUNCTION conformance_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'job writes fail'; END $$`,
      'CREATE TRIGGER conformance_fail_job_writes BEFORE UPDATE ON outbox FOR EACH ROW EXECUTE FUNCTION conformance_fail()',
    ],
    drop: ['DROP TRIGGER conformance_fail_job_writes ON outbox', 'DROP FUNCTION conformance_fail()'],
  },
};

async function failJobWrites({ name, engine }: TestEngine): Promise<() => Promise<void>> {
  const run = async (statements: readonly string[]) => {
    for (const statement of statements) await sql.raw(statement).execute(engine.db);
  };
  await run(FAIL_JOB_WRITES[name].create);
  return () => run(FAIL_JOB_WRITES[name].drop);
}

export function describeOutboxQueueConformance(): void {
  describeEachEngine('Outbox queue conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    let queue: SqlOutboxQueue;
    let dispatch: SqlDispatch;
    beforeEach(() => {
      queue = new SqlOutboxQueue(current().engine);
      dispatch = new SqlDispatch(current().engine, TEST_SECRETS);
    });
    // Every case works in a time of its own, earlier than every case before it, so the jobs other cases left in the
    // database are never due in it.
    let era = 0;
    const nextEra = () => now - (era += 1) * 1e9;
    async function seed(count: number, at: number, tenant?: Tenant) {
      const owner = tenant ?? await seedTenant(current().engine, at);
      return { tenant: owner, messages: await seedMessages(current().engine, owner, count, { at }) };
    }
    const claim = (owner: string, at: number, limit = 10) => queue.claim({ owner, now: at, leaseMs: LEASE, limit });
    const ids = (jobs: readonly DispatchJob[]) => jobs.map((j) => j.id);
    const sorted = (values: readonly string[]) => [...values].sort();
    const maintenance = () => new SwitchboardError(gatewayEntry('upstream_unavailable'));

    it('claims due jobs only, earliest first, up to the limit, each to one owner until its lease lapses', async () => {
      const t = nextEra();
      const earliest = await seed(1, t - 10);
      const early = await seed(1, t - 9, earliest.tenant);
      const late = await seed(1, t);
      await seed(1, t + 60_000);
      const first = await claim('w1', t, 2);
      expect(ids(first)).toEqual([earliest.messages[0]!.jobId, early.messages[0]!.jobId]);
      expect(first[0]).toEqual({ id: earliest.messages[0]!.jobId, messageId: earliest.messages[0]!.messageId, numberId: earliest.tenant.numberId, interrupted: false, probe: false });
      expect(ids(await claim('w2', t, 10))).toEqual([late.messages[0]!.jobId]);
      expect(await claim('w2', t + LEASE - 1)).toEqual([]);
      const lapsed = await claim('w2', t + LEASE);
      expect(sorted(ids(lapsed))).toEqual(sorted([...earliest.messages, ...early.messages, ...late.messages].map((m) => m.jobId)));
      expect(lapsed.every((j) => !j.interrupted && !j.probe)).toBe(true);
    });

    it('passes over the jobs of numbers that are paused or still held', async () => {
      const t = nextEra();
      const paused = await seed(1, t);
      const held = await seed(1, t);
      const db = current().engine.db;
      await db.updateTable('phone_numbers').set({ paused: 1 }).where('id', '=', paused.tenant.numberId).execute();
      await db.updateTable('phone_numbers').set({ held_until: t + 1 }).where('id', '=', held.tenant.numberId).execute();
      expect(await claim('w1', t)).toEqual([]);
      expect(await claim('w1', t + 1)).toMatchObject([{ id: held.messages[0]!.jobId, probe: true }]);
    });

    it('renews only the leases its owner holds, and nothing for no ids', async () => {
      const t = nextEra();
      await seed(2, t);
      const [mine, theirs] = await claim('w1', t);
      await queue.renew('w1', [mine!.id], t + 2 * LEASE);
      await queue.renew('w2', [theirs!.id], t + 2 * LEASE);
      await queue.renew('w1', [], t + 3 * LEASE);
      expect(ids(await claim('w3', t + LEASE))).toEqual([theirs!.id]);
      expect(sorted(ids(await claim('w4', t + 2 * LEASE)))).toEqual(sorted([mine!.id, theirs!.id]));
    });

    it('releases jobs due at the given time, with their leases and call marks gone', async () => {
      const t = nextEra();
      await seed(1, t);
      const [job] = await claim('w1', t);
      const [task] = await dispatch.loadTasks([job!], t);
      expect(await dispatch.markCalls('w1', [task!], t)).toEqual([{ kind: 'call' }]);
      await queue.release([job!.id], t + 5_000);
      await queue.release([], t);
      expect(await claim('w2', t + 4_999)).toEqual([]);
      expect(await claim('w2', t + 5_000)).toMatchObject([{ id: job!.id, interrupted: false }]);
    });

    it('never hands out a completed job again', async () => {
      const t = nextEra();
      await seed(2, t);
      const [done, open] = await claim('w1', t);
      await queue.complete([done!.id]);
      await queue.complete([]);
      expect(ids(await claim('w2', t + LEASE))).toEqual([open!.id]);
    });

    it('frees every lease at once, keeping the marks of calls that never ended', async () => {
      const t = nextEra();
      await seed(3, t);
      const jobs = await claim('w1', t);
      await dispatch.markCalls('w1', await dispatch.loadTasks(jobs.slice(0, 1), t), t);
      expect(await queue.releaseAbandoned()).toBeGreaterThanOrEqual(3);
      expect(await queue.releaseAbandoned()).toBe(0);
      const again = await claim('w2', t + 1);
      expect(again.filter((j) => j.interrupted).map((j) => j.id)).toEqual([jobs[0]!.id]);
      expect(sorted(ids(again))).toEqual(sorted(ids(jobs)));
    });

    it('makes due at once, earliest first, only the jobs that wait for the upstream', async () => {
      const t = nextEra();
      await seed(3, t);
      const tasks = await dispatch.loadTasks(await claim('w1', t), t);
      const outage = maintenance();
      await dispatch.settleRetry(tasks[0]!, t + 60_000, outage, t, true);
      await dispatch.settleRetry(tasks[1]!, t + 50_000, outage, t, true);
      await dispatch.settleRetry(tasks[2]!, t + 40_000, outage, t, false);
      await queue.releaseUpstreamWaits(t + 1, 1);
      expect(ids(await claim('w1', t + 1))).toEqual([tasks[1]!.jobId]);
      await queue.releaseUpstreamWaits(t + 2);
      expect(ids(await claim('w1', t + 2))).toEqual([tasks[0]!.jobId]);
    });

    it('never hands one job to two claimers running in parallel', async () => {
      const t = nextEra();
      const a = await seed(20, t);
      await seed(20, t, a.tenant);
      await seed(20, t);
      const claims = await Promise.all(['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((owner) => claim(owner, t, 15)));
      const all = claims.flatMap(ids);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(60);
    });

    it('lets one probe out of a hold that ran out, even to claimers in parallel, and the rest once the probe is answered', async () => {
      const t = nextEra();
      const first = await seed(1, t - 1);
      const { tenant, messages } = await seed(3, t, first.tenant);
      await current().engine.db.updateTable('phone_numbers').set({ held_until: t }).where('id', '=', tenant.numberId).execute();
      const claims = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((owner) => claim(owner, t)));
      const probes = claims.flat();
      expect(probes).toMatchObject([{ id: first.messages[0]!.jobId, probe: true }]);
      expect((await dispatch.getSendRoute(tenant.numberId))?.heldUntil).toBe(t + LEASE);
      expect(await claim('w1', t + 1)).toEqual([]);
      const [task] = await dispatch.loadTasks(probes, t + 1);
      await dispatch.settleSent([{ task: task!, wamid: 'wamid.PROBE', at: t + 2 }]);
      const rest = await claim('w1', t + 3);
      expect(rest.every((j) => !j.probe)).toBe(true);
      expect(sorted(ids(rest))).toEqual(sorted(messages.map((m) => m.jobId)));
    });

    it('holds the number and gives its job back due when the hold ends, in one operation', async () => {
      const t = nextEra();
      const { tenant } = await seed(1, t);
      const [task] = await dispatch.loadTasks(await claim('w1', t), t);
      await dispatch.holdNumber(task!, t + 5_000, maintenance(), t);
      expect(await dispatch.getSendRoute(tenant.numberId)).toMatchObject({ heldUntil: t + 5_000, paused: false });
      expect(await claim('w2', t + 4_999)).toEqual([]);
      expect(await claim('w2', t + 5_000)).toMatchObject([{ id: task!.jobId, probe: true, interrupted: false }]);
    });

    it('leaves neither a held number with its job still leased nor a job released early when the write fails between', async () => {
      const t = nextEra();
      const { tenant } = await seed(1, t);
      const [task] = await dispatch.loadTasks(await claim('w1', t), t);
      const restore = await failJobWrites(current());
      try {
        await expect(dispatch.holdNumber(task!, t + 5_000, maintenance(), t)).rejects.toThrow();
        await expect(dispatch.holdNumber(task!, null, maintenance(), t)).rejects.toThrow();
      } finally {
        await restore();
      }
      // Nothing of either hold was written: the number sends, and the job is still the worker's, as before the hold.
      expect(await dispatch.getSendRoute(tenant.numberId)).toMatchObject({ heldUntil: null, paused: false });
      expect(await claim('w2', t + 1)).toEqual([]);
      expect(await dispatch.markCalls('w1', [task!], t + 1)).toEqual([{ kind: 'call' }]);
    });
  });
}
