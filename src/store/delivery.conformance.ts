/**
 * Delivery control's store operations, run once per engine: cancel (and its race with the dispatcher's call mark),
 * expiry, claim order by lane and rank with its anti-starvation rule, and scheduled jobs becoming due.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { seedMessages, seedTenant, TEST_SECRETS, type SeedOptions, type SeededMessage, type Tenant } from '../../test/helpers/outbox-rows.js';
import { gatewayEntry } from '../catalog/catalog.js';
import { SwitchboardError } from '../catalog/switchboard-error.js';
import type { DispatchTask } from './dispatch-store.js';
import { SqlCancel } from './sql/sql-cancel.js';
import { SqlDispatch } from './sql/sql-dispatch.js';
import { SqlOutboxQueue } from './sql/sql-outbox-queue.js';

const LEASE = 30_000;

export function describeDeliveryConformance(): void {
  describeEachEngine('Delivery control conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    let dispatch: SqlDispatch;
    let queue: SqlOutboxQueue;
    let cancels: SqlCancel;
    beforeEach(() => {
      dispatch = new SqlDispatch(current().engine, TEST_SECRETS);
      queue = new SqlOutboxQueue(current().engine);
      cancels = new SqlCancel(current().engine);
    });
    const db = () => current().engine.db;
    // Each case in a time of its own, earlier than every case before it: jobs other cases left are never due in it.
    let era = 0;
    const nextEra = () => now - (era += 1) * 1e9;

    async function seed(count: number, options: SeedOptions & { credit?: number | null; tenant?: Tenant }) {
      const tenant = options.tenant ?? await seedTenant(current().engine, options.at, { credit: options.credit ?? null });
      return { tenant, messages: await seedMessages(current().engine, tenant, count, options) };
    }
    const claim = (owner: string, at: number, limit = 10) => queue.claim({ owner, now: at, leaseMs: LEASE, limit });
    const claimTasks = async (owner: string, at: number, limit = 10) => dispatch.loadTasks(await claim(owner, at, limit), at);
    const message = (id: string) => db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const job = (id: string) => db().selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    const eventsOf = async (subjectId: string) =>
      (await db().selectFrom('events').select(['type', 'payload']).where('subject_id', '=', subjectId).orderBy('id').execute())
        .map((e) => ({ type: e.type, data: JSON.parse(e.payload) as Record<string, unknown> }));
    const balanceOf = async (accountId: string) => (await db().selectFrom('accounts').select('credit').where('id', '=', accountId).executeTakeFirstOrThrow()).credit;
    const ids = (messages: readonly SeededMessage[]) => messages.map((m) => m.messageId);

    it('cancels a message not yet called: job gone, canceled, reservation refunded, event echoing its reference; once', async () => {
      const t = nextEra();
      const { tenant, messages: [m] } = await seed(1, { at: t, credit: 10, reserve: 3, status: 'scheduled', clientRef: 'ref-1', metadata: { k: 'v' } });
      expect(await cancels.cancelMessage(tenant.accountId, m!.messageId, t + 1)).toEqual({ kind: 'canceled' });
      expect(await job(m!.jobId)).toBeUndefined();
      expect(await message(m!.messageId)).toMatchObject({ status: 'canceled', updated_at: t + 1 });
      expect(await balanceOf(tenant.accountId)).toBe(13);
      expect(await eventsOf(m!.messageId)).toEqual([{ type: 'message.canceled', data: { message_id: m!.messageId, to: '4915112345678', client_ref: 'ref-1', metadata: { k: 'v' } } }]);
      expect(await cancels.cancelMessage(tenant.accountId, m!.messageId, t + 2)).toEqual({ kind: 'already_canceled' });
      expect(await balanceOf(tenant.accountId)).toBe(13);
      const stranger = await seedTenant(current().engine, t);
      expect(await cancels.cancelMessage(stranger.accountId, m!.messageId, t + 2)).toEqual({ kind: 'not_found' });
    });

    it('refuses to cancel a message whose call is marked, or that Meta has, or whose last call went unanswered', async () => {
      const t = nextEra();
      const { tenant, messages: [calling, sent, unanswered] } = await seed(3, { at: t, credit: 10, reserve: 1 });
      const [task] = await claimTasks('w1', t, 1) as [DispatchTask];
      expect(task.messageId).toBe(calling!.messageId);
      expect(await dispatch.markCalls('w1', [task], t + 1)).toEqual([{ kind: 'call' }]);
      await db().updateTable('messages').set({ status: 'sent' }).where('id', '=', sent!.messageId).execute();
      await db().updateTable('messages').set({ error: JSON.stringify({ namespace: 'gateway', code: 'upstream_outcome_unknown' }) }).where('id', '=', unanswered!.messageId).execute();
      expect(await cancels.cancelMessage(tenant.accountId, calling!.messageId, t + 2)).toEqual({ kind: 'not_cancelable', status: 'queued' });
      expect(await cancels.cancelMessage(tenant.accountId, sent!.messageId, t + 2)).toEqual({ kind: 'not_cancelable', status: 'sent' });
      expect(await cancels.cancelMessage(tenant.accountId, unanswered!.messageId, t + 2)).toEqual({ kind: 'not_cancelable', status: 'accepted' });
      expect(await job(calling!.jobId)).toMatchObject({ calling_since: t + 1 });
      expect(await balanceOf(tenant.accountId)).toBe(10);
    });

    it('does not call a job canceled after its claim: the call mark finds it gone', async () => {
      const t = nextEra();
      const { tenant } = await seed(2, { at: t });
      const tasks = await claimTasks('w1', t);
      expect(await cancels.cancelMessage(tenant.accountId, tasks[0]!.messageId, t + 1)).toEqual({ kind: 'canceled' });
      expect(await dispatch.markCalls('w1', tasks, t + 2)).toEqual([{ kind: 'gone' }, { kind: 'call' }]);
    });

    it('decides every cancel racing a call mark one way: canceled and never marked, or marked and not canceled', async () => {
      const t = nextEra();
      const { tenant, messages } = await seed(60, { at: t, credit: 100, reserve: 1 });
      const tasks = await claimTasks('w1', t, 60);
      const [marks, outcomes] = await Promise.all([
        Promise.all(tasks.map((task) => dispatch.markCalls('w1', [task], t + 1).then(([mark]) => mark!))),
        Promise.all(ids(messages).map((id) => cancels.cancelMessage(tenant.accountId, id, t + 1))),
      ]);
      const byMessage = new Map(tasks.map((task, i) => [task.messageId, marks[i]!.kind]));
      let canceled = 0;
      for (const [i, id] of ids(messages).entries()) {
        const outcome = outcomes[i]!;
        const mark = byMessage.get(id);
        if (outcome.kind === 'canceled') canceled += 1;
        expect(outcome.kind === 'canceled' ? mark === 'gone' : mark === 'call' && outcome.kind === 'not_cancelable', `${id}: ${outcome.kind} / ${mark}`).toBe(true);
        expect((await message(id)).status).toBe(outcome.kind === 'canceled' ? 'canceled' : 'queued');
      }
      expect(await balanceOf(tenant.accountId)).toBe(100 + canceled);
    });

    it('races a cancel by client_ref against batches of call marks: each message goes one way', async () => {
      const t = nextEra();
      const { tenant } = await seed(40, { at: t, clientRef: 'wave' });
      const tasks = await claimTasks('w1', t, 40);
      const batches = [0, 10, 20, 30].map((start) => tasks.slice(start, start + 10).reverse());
      const [marks, cancel] = await Promise.all([
        Promise.all(batches.map((batch) => dispatch.markCalls('w1', batch, t + 1))),
        cancels.cancelByClientRef(tenant.accountId, 'wave', t + 1),
      ]);
      const canceled = new Set(cancel.canceled);
      batches.forEach((batch, b) => batch.forEach((task, i) => {
        expect(marks[b]![i]!.kind).toBe(canceled.has(task.messageId) ? 'gone' : 'call');
      }));
      expect(canceled.size + cancel.notCancelable.length).toBe(40);
    });

    it('cancels by client_ref what has not left and lists the rest', async () => {
      const t = nextEra();
      const { tenant, messages: [waiting, called] } = await seed(2, { at: t, clientRef: 'campaign' });
      const { messages: [untagged] } = await seed(1, { at: t, tenant });
      const tasks = await claimTasks('w1', t, 3);
      await dispatch.markCalls('w1', tasks.filter((task) => task.messageId === called!.messageId), t + 1);
      expect(await cancels.cancelByClientRef(tenant.accountId, 'campaign', t + 2)).toEqual({ canceled: [waiting!.messageId], notCancelable: [called!.messageId] });
      expect((await message(untagged!.messageId)).status).toBe('queued');
      expect(await cancels.cancelByClientRef(tenant.accountId, 'nothing', t + 2)).toEqual({ canceled: [], notCancelable: [] });
    });

    it('expires a job not yet called: failed with expired, refunded, echoed; a marked call is left alone', async () => {
      const t = nextEra();
      const { tenant, messages: [waiting, calling] } = await seed(2, { at: t, credit: 5, reserve: 2, expiresAt: t + 10, clientRef: 'otp' });
      const [first, second] = await claimTasks('w1', t) as [DispatchTask, DispatchTask];
      expect(first).toMatchObject({ expiresAt: t + 10, echo: { clientRef: 'otp', metadata: null } });
      expect(await dispatch.markCalls('w1', [second], t + 1)).toEqual([{ kind: 'call' }]);
      expect(await dispatch.markCalls('w1', [first], t + 10)).toEqual([{ kind: 'expired' }]);
      expect((await job(first.jobId))?.calling_since).toBeNull();
      await dispatch.settleExpired(first, t + 11);
      await dispatch.settleExpired(second, t + 11);
      expect(await message(waiting!.messageId)).toMatchObject({ status: 'failed' });
      expect(JSON.parse((await message(waiting!.messageId)).error!)).toMatchObject({ namespace: 'gateway', code: 'expired' });
      expect(await eventsOf(waiting!.messageId)).toMatchObject([{ type: 'message.failed', data: { error: { code: 'expired' }, client_ref: 'otp' } }]);
      expect(await balanceOf(tenant.accountId)).toBe(7);
      expect(await message(calling!.messageId)).toMatchObject({ status: 'queued' });
      expect(await job(calling!.jobId)).toMatchObject({ calling_since: t + 1 });
    });

    it('sweeps overdue messages claimed or not, leaves a marked call and the not yet overdue alone', async () => {
      const t = nextEra();
      const { tenant, messages: [unclaimed, claimed, calling] } = await seed(3, { at: t, credit: 5, reserve: 1, expiresAt: t + 10 });
      const { messages: [open] } = await seed(1, { at: t, tenant });
      const tasks = await claimTasks('w1', t, 4);
      await dispatch.markCalls('w1', tasks.filter((task) => task.messageId === calling!.messageId), t + 1);
      // Other tests' jobs share the outbox, so the answer counts theirs too: the states below are what this test owns.
      await dispatch.expireOverdue(t + 9, 1_000);
      expect((await message(unclaimed!.messageId)).status).not.toBe('failed');
      expect(await dispatch.expireOverdue(t + 10, 1_000)).toBeGreaterThanOrEqual(2);
      for (const m of [unclaimed, claimed]) {
        expect(JSON.parse((await message(m!.messageId)).error!)).toMatchObject({ namespace: 'gateway', code: 'expired' });
        expect(await eventsOf(m!.messageId)).toMatchObject([{ type: 'message.failed', data: { error: { code: 'expired' } } }]);
      }
      expect(await balanceOf(tenant.accountId)).toBe(5 + 2);
      expect(await message(calling!.messageId)).toMatchObject({ status: 'queued' });
      expect((await message(open!.messageId)).status).not.toBe('failed');
      // The claimed one's call mark now finds its job gone: a sweep and a dispatcher never both act on a message.
      expect(await dispatch.markCalls('w1', tasks.filter((task) => task.messageId === claimed!.messageId), t + 11)).toEqual([{ kind: 'gone' }]);
    });

    it('claims by lane then due time, a lower lane aging into the one above; the high lane alone on request', async () => {
      const t = nextEra();
      const tenant = await seedTenant(current().engine, t);
      const { messages: [bulk] } = await seed(1, { at: t, tenant, priority: 'bulk' });
      const { messages: [normal] } = await seed(1, { at: t + 1, tenant, priority: 'normal' });
      const { messages: [high] } = await seed(1, { at: t + 2, tenant, priority: 'high' });
      // Waited longer than the bulk lane's handicap (5 min): ranks before a high job due now.
      const { messages: [starved] } = await seed(1, { at: t - 300_001, tenant, priority: 'bulk' });
      expect((await claim('w0', t + 2, 1)).map((j) => j.messageId)).toEqual([starved!.messageId]);
      expect((await queue.claimHighLane({ owner: 'w1', now: t + 2, leaseMs: LEASE, limit: 10 })).map((j) => j.messageId)).toEqual([high!.messageId]);
      expect((await claim('w2', t + 2)).map((j) => j.messageId)).toEqual([normal!.messageId, bulk!.messageId]);
    });

    it('keeps a job handed back unsent in its place, and moves a retried one behind by its backoff', async () => {
      const t = nextEra();
      const { messages: [handedBack, retried] } = await seed(2, { at: t, priority: 'bulk' });
      const [first, second] = await claimTasks('w1', t) as [DispatchTask, DispatchTask];
      await queue.release([first.jobId], t + 50_000);
      expect(await job(handedBack!.jobId)).toMatchObject({ due_at: t + 50_000, rank_at: t + 300_000 });
      await dispatch.settleRetry(second, t + 600_000, new SwitchboardError(gatewayEntry('upstream_unavailable')), t + 1, false);
      expect(await job(retried!.jobId)).toMatchObject({ due_at: t + 600_000, rank_at: t + 900_000 });
    });

    it('leaves a scheduled job unclaimed until its send_at, then moves its message from scheduled to queued', async () => {
      const t = nextEra();
      const { messages: [m] } = await seed(1, { at: t, status: 'scheduled' });
      await db().updateTable('outbox').set({ due_at: t + 5_000, rank_at: t + 65_000 }).where('id', '=', m!.jobId).execute();
      expect(await claim('w1', t + 4_999)).toEqual([]);
      const [task] = await claimTasks('w1', t + 5_000) as [DispatchTask];
      expect(task.messageId).toBe(m!.messageId);
      expect(await message(m!.messageId)).toMatchObject({ status: 'queued' });
      expect(JSON.parse((await message(m!.messageId)).status_times)).toEqual({ scheduled: t, queued: t + 5_000 });
    });
  });
}
