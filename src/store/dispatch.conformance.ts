/**
 * The dispatch model's conformance cases, run once per engine: every DispatchStore method, and every (state, event)
 * pair of the message state machine through the path the gateway takes (outcomes through dispatch, Meta's statuses
 * through inbound), each ending in TRANSITIONS' state or leaving the message as it was.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { seedMessages, seedTenant, TEST_SECRETS, type SeedOptions, type SeededMessage, type Tenant } from '../../test/helpers/outbox-rows.js';
import { gatewayEntry } from '../catalog/catalog.js';
import { SwitchboardError } from '../catalog/switchboard-error.js';
import { MESSAGE_EVENTS, MESSAGE_STATES, TRANSITIONS, type MessageEvent } from '../domain/message-state.js';
import type { DispatchJob, DispatchTask } from './dispatch-store.js';
import { SqlCancel } from './sql/sql-cancel.js';
import { SqlDispatch } from './sql/sql-dispatch.js';
import { SqlInbound } from './sql/sql-inbound.js';
import { SqlOutboxQueue } from './sql/sql-outbox-queue.js';
import { resubmitSms } from './sql/sql-sms-messages.js';

const LEASE = 30_000;
const STATUS_OF_EVENT = { status_sent: 'sent', status_delivered: 'delivered', status_read: 'read', status_failed: 'failed' } as const;

export function describeDispatchConformance(): void {
  describeEachEngine('DispatchStore conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    let dispatch: SqlDispatch;
    let queue: SqlOutboxQueue;
    let inbound: SqlInbound;
    let cancels: SqlCancel;
    beforeEach(() => {
      dispatch = new SqlDispatch(current().engine, TEST_SECRETS);
      queue = new SqlOutboxQueue(current().engine);
      inbound = new SqlInbound(current().engine);
      cancels = new SqlCancel(current().engine);
    });
    const db = () => current().engine.db;
    // Every case works in a time of its own, earlier than every case before it, so the jobs other cases left in the
    // database are never due in it.
    let era = 0;
    const nextEra = () => now - (era += 1) * 1e9;
    const refused = () => new SwitchboardError(gatewayEntry('upstream_rejected'));
    const outage = () => new SwitchboardError(gatewayEntry('upstream_unavailable'));

    async function seed(count: number, options: SeedOptions & { credit?: number | null; tenant?: Tenant }) {
      const tenant = options.tenant ?? await seedTenant(current().engine, options.at, { credit: options.credit ?? null });
      return { tenant, messages: await seedMessages(current().engine, tenant, count, options) };
    }
    const jobOf = (tenant: Tenant, m: SeededMessage, flags: Partial<DispatchJob> = {}): DispatchJob =>
      ({ id: m.jobId, messageId: m.messageId, numberId: tenant.numberId, interrupted: false, probe: false, ...flags });
    const claimTasks = async (owner: string, at: number) => dispatch.loadTasks(await queue.claim({ owner, now: at, leaseMs: LEASE, limit: 10 }), at);
    const message = (id: string) => db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const job = (id: string) => db().selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    const eventsOf = async (subjectId: string) =>
      (await db().selectFrom('events').select(['type', 'payload']).where('subject_id', '=', subjectId).orderBy('id').execute())
        .map((e) => ({ type: e.type, data: JSON.parse(e.payload) as Record<string, unknown> }));
    const ledgerOf = async (messageId: string) =>
      (await db().selectFrom('credit_ledger').select(['id', 'kind', 'amount', 'note']).where('message_id', '=', messageId).orderBy('kind').execute());
    const balanceOf = async (accountId: string) => (await db().selectFrom('accounts').select('credit').where('id', '=', accountId).executeTakeFirstOrThrow()).credit;

    it('loads what claimed jobs are about and moves their messages to queued, leaving out jobs whose message is gone', async () => {
      const t = nextEra();
      const { tenant, messages: [m] } = await seed(1, { at: t, wamid: 'wamid.TIED' });
      const gone: DispatchJob = { id: 'job_gone', messageId: 'msg_gone', numberId: tenant.numberId, interrupted: false, probe: false };
      const tasks = await dispatch.loadTasks([gone, jobOf(tenant, m!, { interrupted: true, probe: true })], t + 1);
      expect(tasks).toEqual([{
        jobId: m!.jobId, messageId: m!.messageId, accountId: tenant.accountId, numberId: tenant.numberId, to: '4915112345678',
        payload: { to: '4915112345678', n: 0 }, attempts: 0, firstAttemptAt: null, wamid: 'wamid.TIED', interrupted: true, probe: true,
        rank: t + 60_000, expiresAt: null, echo: { clientRef: null, metadata: null }, recheck: false,
      }]);
      expect(await message(m!.messageId)).toMatchObject({ status: 'queued', updated_at: t + 1 });
      expect(JSON.parse((await message(m!.messageId)).status_times)).toEqual({ accepted: t, queued: t + 1 });
      expect(await dispatch.loadTasks([], t)).toEqual([]);
    });

    it("marks a call only for a job still leased to the worker whose message Meta has not reported", async () => {
      const t = nextEra();
      await seed(3, { at: t });
      const [tied, fresh, theirs] = await claimTasks('w1', t) as [DispatchTask, DispatchTask, DispatchTask];
      await db().updateTable('messages').set({ wamid: 'wamid.MARKED' }).where('id', '=', tied.messageId).execute();
      await db().updateTable('outbox').set({ lease_owner: 'w2' }).where('id', '=', theirs.jobId).execute();
      const removed = { ...fresh, jobId: 'job_removed' };
      expect(await dispatch.markCalls('w1', [tied, fresh, theirs, removed], t + 1)).toEqual([
        { kind: 'sent', wamid: 'wamid.MARKED' }, { kind: 'call' }, { kind: 'gone' }, { kind: 'gone' },
      ]);
      expect((await job(fresh.jobId))?.calling_since).toBe(t + 1);
      expect((await job(tied.jobId))?.calling_since).toBeNull();
      expect(await dispatch.markCalls('w1', [], t)).toEqual([]);
      // The mark outlives the lease: a later claim knows the call may have reached Meta.
      await queue.releaseAbandoned();
      const again = await queue.claim({ owner: 'w3', now: t + 2, leaseMs: LEASE, limit: 10 });
      expect(again.filter((j) => j.interrupted).map((j) => j.id)).toEqual([fresh.jobId]);
    });

    it('reads a number’s route with its token opened, its hold and its pause', async () => {
      const t = nextEra();
      const tenant = await seedTenant(current().engine, t);
      expect(await dispatch.getSendRoute(tenant.numberId)).toEqual({
        numberId: tenant.numberId, phoneNumberId: tenant.phoneNumberId, accessToken: 'EAAtoken', maxMps: 80, heldUntil: null, paused: false,
      });
      await db().updateTable('phone_numbers').set({ held_until: t + 5, paused: 1, access_token_sealed: null }).where('id', '=', tenant.numberId).execute();
      expect(await dispatch.getSendRoute(tenant.numberId)).toMatchObject({ accessToken: '', heldUntil: t + 5, paused: true });
      expect(await dispatch.getSendRoute('num_missing')).toBeUndefined();
    });

    it('settles a sent batch in one go: wamid kept, job gone, reservation charged, event told, a probe’s hold ended', async () => {
      const t = nextEra();
      const { tenant, messages } = await seed(2, { at: t, credit: 10, reserve: 3 });
      const [sent, overtaken] = await claimTasks('w1', t) as [DispatchTask, DispatchTask];
      await db().updateTable('messages').set({ status: 'delivered' }).where('id', '=', overtaken.messageId).execute();
      await db().updateTable('phone_numbers').set({ held_until: t + LEASE, hold_error: '{}' }).where('id', '=', tenant.numberId).execute();
      // Which of them it moved to sent: what the metrics count.
      expect(await dispatch.settleSent([{ task: { ...sent, probe: true }, wamid: 'wamid.A', at: t + 1 }, { task: overtaken, wamid: 'wamid.B', at: t + 1 }])).toEqual([true, false]);
      expect(await message(sent.messageId)).toMatchObject({ status: 'sent', wamid: 'wamid.A', updated_at: t + 1 });
      // A status webhook moved the other one further first: its wamid is kept all the same, and no second event told.
      expect(await message(overtaken.messageId)).toMatchObject({ status: 'delivered', wamid: 'wamid.B' });
      expect(await job(sent.jobId)).toBeUndefined();
      expect(await job(overtaken.jobId)).toBeUndefined();
      expect(await eventsOf(sent.messageId)).toEqual([{ type: 'message.sent', data: { message_id: sent.messageId, to: '4915112345678', wamid: 'wamid.A' } }]);
      expect(await eventsOf(overtaken.messageId)).toEqual([]);
      for (const m of messages) {
        expect(await ledgerOf(m.messageId)).toEqual([
          { id: `led_reserve_${m.messageId}`, kind: 'reserve', amount: -3, note: null },
          { id: `led_settle_${m.messageId}`, kind: 'settle', amount: 0, note: null },
        ]);
      }
      expect(await balanceOf(tenant.accountId)).toBe(10);
      expect(await dispatch.getSendRoute(tenant.numberId)).toMatchObject({ heldUntil: null, paused: false });
      expect(await dispatch.settleSent([])).toEqual([]);
    });

    it('puts a job back for a retry: due then, one attempt more, the error kept, the upstream wait noted, a probe’s hold ended', async () => {
      const t = nextEra();
      const { tenant } = await seed(1, { at: t });
      const [task] = await claimTasks('w1', t) as [DispatchTask];
      await db().updateTable('phone_numbers').set({ held_until: t + LEASE }).where('id', '=', tenant.numberId).execute();
      await dispatch.settleRetry({ ...task, probe: true }, t + 60_000, outage(), t + 1, true);
      expect(await job(task.jobId)).toMatchObject({ due_at: t + 60_000, attempts: 1, waits_for_upstream: 1, lease_owner: null, lease_expires_at: null, first_attempt_at: t });
      const stored = await message(task.messageId);
      expect(stored.status).toBe('accepted');
      expect(JSON.parse(stored.error!)).toMatchObject({ namespace: 'gateway', code: 'upstream_unavailable' });
      expect((await dispatch.getSendRoute(tenant.numberId))?.heldUntil).toBeNull();
      const [again] = await claimTasks('w1', t + 60_000) as [DispatchTask];
      expect(again).toMatchObject({ attempts: 1, firstAttemptAt: t });
      await dispatch.settleRetry(again, t + 70_000, outage(), t + 60_001, false);
      expect(await job(task.jobId)).toMatchObject({ attempts: 2, waits_for_upstream: 0 });
    });

    it('fails a message once: error kept, job gone, reservation refunded to the balance, event told', async () => {
      const t = nextEra();
      const { tenant } = await seed(2, { at: t, credit: 10, reserve: 4 });
      const [failed, alreadySent] = await claimTasks('w1', t) as [DispatchTask, DispatchTask];
      await db().updateTable('messages').set({ status: 'sent' }).where('id', '=', alreadySent.messageId).execute();
      await dispatch.settleFailed(failed, refused(), t + 1);
      await dispatch.settleFailed(alreadySent, refused(), t + 1);
      const stored = await message(failed.messageId);
      expect(stored.status).toBe('failed');
      expect(JSON.parse(stored.error!)).toMatchObject({ namespace: 'gateway', code: 'upstream_rejected' });
      expect(await job(failed.jobId)).toBeUndefined();
      expect(await job(alreadySent.jobId)).toBeUndefined();
      expect(await ledgerOf(failed.messageId)).toEqual([
        { id: `led_refund_${failed.messageId}`, kind: 'refund', amount: 4, note: 'failed before sending' },
        { id: `led_reserve_${failed.messageId}`, kind: 'reserve', amount: -4, note: null },
      ]);
      expect(await eventsOf(failed.messageId)).toMatchObject([{ type: 'message.failed', data: { message_id: failed.messageId, wamid: null, error: { code: 'upstream_rejected' } } }]);
      // Meta has the other one: nothing refunded, nothing told.
      expect((await message(alreadySent.messageId)).status).toBe('sent');
      expect(await ledgerOf(alreadySent.messageId)).toHaveLength(1);
      expect(await eventsOf(alreadySent.messageId)).toEqual([]);
      expect(await balanceOf(tenant.accountId)).toBe(14);
      // A second failure of the same message moves nothing and refunds nothing again.
      await dispatch.settleFailed(failed, refused(), t + 2);
      expect(await balanceOf(tenant.accountId)).toBe(14);
      expect(await eventsOf(failed.messageId)).toHaveLength(1);
    });

    it('settles retries and failures that arrive together each as it would alone', async () => {
      const t = nextEra();
      const { tenant } = await seed(5, { at: t, credit: 10, reserve: 1 });
      const [retried, waiting, failed, other, alreadySent] = await claimTasks('w1', t) as [DispatchTask, DispatchTask, DispatchTask, DispatchTask, DispatchTask];
      await db().updateTable('messages').set({ status: 'sent' }).where('id', '=', alreadySent.messageId).execute();
      const otherError = new SwitchboardError(gatewayEntry('upstream_rejected'), { detail: 'another reason' });
      await Promise.all([
        dispatch.settleRetry(retried, t + 60_000, outage(), t + 1, false),
        dispatch.settleFailed(failed, refused(), t + 1),
        dispatch.settleRetry(waiting, t + 50_000, outage(), t + 1, true),
        dispatch.settleFailed(other, otherError, t + 2),
        dispatch.settleFailed(alreadySent, refused(), t + 1),
      ]);
      expect(await job(retried.jobId)).toMatchObject({ due_at: t + 60_000, attempts: 1, waits_for_upstream: 0, lease_owner: null });
      expect(await job(waiting.jobId)).toMatchObject({ due_at: t + 50_000, attempts: 1, waits_for_upstream: 1, lease_owner: null });
      expect(await message(retried.messageId)).toMatchObject({ status: 'accepted', updated_at: t + 1 });
      for (const task of [failed, other, alreadySent]) expect(await job(task.jobId)).toBeUndefined();
      expect(await message(failed.messageId)).toMatchObject({ status: 'failed', updated_at: t + 1 });
      expect(await message(other.messageId)).toMatchObject({ status: 'failed', updated_at: t + 2 });
      expect(JSON.parse((await message(other.messageId)).error!)).toMatchObject({ detail: 'another reason' });
      expect(await eventsOf(failed.messageId)).toMatchObject([{ type: 'message.failed' }]);
      expect(await eventsOf(other.messageId)).toMatchObject([{ type: 'message.failed', data: { error: { detail: 'another reason' } } }]);
      expect(await eventsOf(alreadySent.messageId)).toEqual([]);
      expect(await eventsOf(retried.messageId)).toEqual([]);
      // Two refunded (the failures that moved their messages), none for the retries or the one Meta has.
      expect(await balanceOf(tenant.accountId)).toBe(12);
    });

    it('hands claimed messages back to accepted, and nothing for no tasks', async () => {
      const t = nextEra();
      await seed(2, { at: t });
      const tasks = await claimTasks('w1', t);
      await dispatch.unclaimTasks(tasks, t + 1);
      await dispatch.unclaimTasks([], t + 1);
      for (const task of tasks) expect(await message(task.messageId)).toMatchObject({ status: 'accepted', updated_at: t + 1 });
    });

    it('holds a number until a time: job due then, unsent, no attempt counted, the account left connected', async () => {
      const t = nextEra();
      const { tenant } = await seed(1, { at: t });
      const [task] = await claimTasks('w1', t) as [DispatchTask];
      await dispatch.holdNumber(task, t + 5_000, outage(), t + 1);
      expect(await dispatch.getSendRoute(tenant.numberId)).toMatchObject({ heldUntil: t + 5_000, paused: false });
      expect(await job(task.jobId)).toMatchObject({ due_at: t + 5_000, attempts: 0, lease_owner: null });
      expect((await message(task.messageId)).status).toBe('accepted');
      expect((await db().selectFrom('accounts').select('disconnected_at').where('id', '=', tenant.accountId).executeTakeFirstOrThrow()).disconnected_at).toBeNull();
      expect(await eventsOf(tenant.numberId)).toEqual([]);
    });

    it('pauses a number until its token is replaced: job due at once, account disconnected once, event told', async () => {
      const t = nextEra();
      const { tenant } = await seed(2, { at: t });
      const [first, second] = await claimTasks('w1', t) as [DispatchTask, DispatchTask];
      await dispatch.holdNumber(first, null, refused(), t + 1);
      await dispatch.holdNumber(second, null, refused(), t + 2);
      expect(await dispatch.getSendRoute(tenant.numberId)).toMatchObject({ heldUntil: null, paused: true });
      expect(await job(first.jobId)).toMatchObject({ due_at: t + 1, lease_owner: null });
      const account = await db().selectFrom('accounts').select(['disconnected_at', 'updated_at']).where('id', '=', tenant.accountId).executeTakeFirstOrThrow();
      expect(account).toEqual({ disconnected_at: t + 1, updated_at: t + 2 });
      expect(await eventsOf(tenant.numberId)).toMatchObject([
        { type: 'account.disconnected', data: { number_id: tenant.numberId, error: { code: 'upstream_rejected' } } },
        { type: 'account.disconnected' },
      ]);
      // A number of no account is paused all the same.
      await db().updateTable('phone_numbers').set({ account_id: null, paused: 0 }).where('id', '=', tenant.numberId).execute();
      await dispatch.holdNumber(first, null, refused(), t + 3);
      expect((await dispatch.getSendRoute(tenant.numberId))?.paused).toBe(true);
      expect(await eventsOf(tenant.numberId)).toHaveLength(2);
    });

    /** Applies `event` to a message through the store path the gateway takes for it. */
    async function apply(event: MessageEvent, tenant: Tenant, m: SeededMessage, at: number, wamid: string): Promise<void> {
      const task: DispatchTask = {
        jobId: m.jobId, messageId: m.messageId, accountId: tenant.accountId, numberId: tenant.numberId, to: '4915112345678',
        payload: {}, attempts: 0, firstAttemptAt: null, wamid: null, interrupted: false, probe: false, rank: at, expiresAt: null,
        echo: { clientRef: null, metadata: null }, recheck: false,
      };
      switch (event) {
        case 'claim': return void await dispatch.loadTasks([jobOf(tenant, m)], at);
        case 'retry': return dispatch.settleRetry(task, at + 1_000, outage(), at, false);
        case 'upstream_accepted': return void await dispatch.settleSent([{ task, wamid, at }]);
        case 'upstream_rejected': return dispatch.settleFailed(task, refused(), at);
        case 'cancel': return void await cancels.cancelMessage(tenant.accountId, m.messageId, at);
        case 'expire': return dispatch.settleExpired(task, at);
        case 'resubmit': return void await current().engine.transaction((trx) => resubmitSms(current().engine, trx, m.messageId, 'smsc_x', 1, at + 1_000, outage(), at));
        default: {
          const status = { kind: 'status', phoneNumberId: tenant.phoneNumberId, wamid, status: STATUS_OF_EVENT[event], at, recipientId: '4915112345678', errors: [] } as const;
          await inbound.applyStatuses([{ status, error: event === 'status_failed' ? refused() : undefined }], at);
        }
      }
    }

    const pairs = MESSAGE_STATES.flatMap((state) => MESSAGE_EVENTS.map((event) => [state, event] as const));
    it.each(pairs)('from %s on %s: moves as TRANSITIONS says, or not at all', async (state, event) => {
      const t = nextEra();
      const wamid = `wamid.PAIR.${t}`;
      // Meta's statuses find the message by its wamid, so it has one for them.
      const { tenant, messages: [m] } = await seed(1, { at: t, status: state, ...(event.startsWith('status_') ? { wamid } : {}) });
      await apply(event, tenant, m!, t + 1, wamid);
      const { from, to } = TRANSITIONS[event];
      const moves = from.includes(state);
      const stored = await message(m!.messageId);
      expect(stored.status).toBe(moves ? to : state);
      expect(JSON.parse(stored.status_times)[to]).toBe(moves ? t + 1 : to === state ? t : undefined);
    });
  });
}
