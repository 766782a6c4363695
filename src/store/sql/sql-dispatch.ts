/**
 * The dispatch model, written once for every engine: loading claimed jobs, call marks, outcomes and number holds,
 * each one transaction. Outcomes end or requeue their jobs in that same transaction (sql-outbox-queue.ts), and settle
 * or refund the message's credit reservation (sql-credit.ts).
 */
import { expireOverdue } from './sql-cancel.js';
import { gatewayError, type SwitchboardError } from '../../catalog/switchboard-error.js';
import { hasExpired, type MessageEcho } from '../../domain/delivery.js';
import { accountDisconnectedEvent, messageFailedEvent, messageProgressEvent, type NewEvent } from '../../domain/events.js';
import { decideNumberHold } from '../../domain/number-hold.js';
import type { CallMark, DispatchJob, DispatchStore, DispatchTask, NumberRoute, SentOutcome } from '../dispatch-store.js';
import type { SecretBox } from '../secret-box.js';
import { precompileNamed } from './precompiled.js';
import { errorJson } from './error-json.js';
import { insertEvent, insertEvents } from './event-rows.js';
import { SCHEDULED_STATE } from '../../domain/message-state.js';
import { lockMessagesInOrder, transitionQuery } from './message-transition.js';
import { refundReservations, writeFate } from './sql-credit.js';
import type { SqlEngine } from './sql-engine.js';
import { removeJobs, removeUncalledJobs, requeueJobs } from './sql-outbox-queue.js';
import { endProbe, FailureWriter, groupBy, type FailureSettle } from './sql-dispatch-failures.js';
import { GroupCommit } from '../../runtime/group-commit.js';

/** What a loaded message's events echo; an SMS's payload names its channel. */
function echoOfRow(row: { client_ref: string | null; metadata: string | null; payload: string }): MessageEcho {
  const sms = (JSON.parse(row.payload) as { channel?: unknown }).channel === 'sms';
  return { clientRef: row.client_ref, metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>), ...(sms ? { channel: 'sms' } : {}) };
}

export class SqlDispatch implements DispatchStore {
  /** Compiled once: the dispatch bench showed building it per sent message costing more than running it. */
  private readonly sent;
  /** Retries and failures that arrive together share one transaction (a commit each cost more than their writes). */
  private readonly failures: GroupCommit<FailureSettle, void>;

  constructor(
    private readonly engine: SqlEngine,
    private readonly secrets: SecretBox,
  ) {
    this.sent = precompileNamed(['id', 'now', 'wamid'], (slots) => transitionQuery(engine, engine.db, 'upstream_accepted', slots));
    const failureWriter = new FailureWriter(engine);
    this.failures = new GroupCommit<FailureSettle, void>({
      maxItems: 500,
      commit: (failures) => engine.transaction((trx) => failureWriter.write(trx, failures)).then(() => failures.map(() => undefined)),
    });
  }

  async loadTasks(jobs: readonly DispatchJob[], now: number): Promise<DispatchTask[]> {
    if (jobs.length === 0) return [];
    return this.engine.transaction(async (trx) => {
      const rows = await trx.selectFrom('outbox as o').innerJoin('messages as m', 'm.id', 'o.message_id')
        .select(['o.id', 'o.message_id', 'o.number_id', 'o.attempts', 'o.first_attempt_at', 'o.rank_at', 'o.expires_at', 'm.account_id', 'm.recipient', 'm.payload', 'm.wamid', 'm.client_ref', 'm.metadata', 'm.status'])
        .where('o.id', 'in', jobs.map((job) => job.id)).execute();
      if (rows.length === 0) return [];
      await transitionQuery(this.engine, trx, 'claim', { id: rows.map((row) => row.message_id), now }).execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      const tasks: DispatchTask[] = [];
      for (const { id, interrupted, probe } of jobs) {
        const row = byId.get(id);
        if (!row) continue;
        tasks.push({
          jobId: row.id, messageId: row.message_id, accountId: row.account_id, numberId: row.number_id, to: row.recipient,
          payload: JSON.parse(row.payload) as Record<string, unknown>, attempts: row.attempts, firstAttemptAt: row.first_attempt_at,
          wamid: row.wamid, interrupted, probe, rank: row.rank_at, expiresAt: row.expires_at, recheck: row.status === SCHEDULED_STATE,
          echo: echoOfRow(row),
        });
      }
      return tasks;
    });
  }

  async markCalls(owner: string, tasks: readonly DispatchTask[], now: number): Promise<CallMark[]> {
    if (tasks.length === 0) return [];
    return this.engine.transaction(async (trx) => {
      const rows = await trx.selectFrom('outbox as o').innerJoin('messages as m', 'm.id', 'o.message_id')
        .select(['o.id', 'o.lease_owner', 'o.expires_at', 'm.wamid']).where('o.id', 'in', tasks.map((t) => t.jobId))
        // In id order, as a cancel of several jobs locks them (sql-cancel.ts): two such batches never wait on each other.
        .$if(this.engine.capabilities.rowLocks, (q) => q.orderBy('o.id').forUpdate('o')).execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      const marks = tasks.map((task): CallMark => {
        const row = byId.get(task.jobId);
        if (!row || row.lease_owner !== owner) return { kind: 'gone' };
        if (row.wamid !== null) return { kind: 'sent', wamid: row.wamid };
        return hasExpired(row.expires_at, now) ? { kind: 'expired' } : { kind: 'call' };
      });
      const calls = tasks.filter((_, i) => marks[i]?.kind === 'call').map((t) => t.jobId);
      if (calls.length === 0) return marks;
      // The mark itself is the condition a cancel races with: only a job still here and still ours is marked, and a
      // job this update did not mark (a cancel removed it meanwhile) is not called.
      const marked = await trx.updateTable('outbox').set({ calling_since: now })
        .where('id', 'in', calls).where('lease_owner', '=', owner).returning('id').execute();
      const markedIds = new Set(marked.map((row) => row.id));
      return marks.map((mark, i) => (mark.kind === 'call' && !markedIds.has(tasks[i]!.jobId) ? { kind: 'gone' } : mark));
    });
  }

  async getSendRoute(numberId: string): Promise<NumberRoute | undefined> {
    const row = await this.engine.db.selectFrom('phone_numbers')
      .select(['id', 'phone_number_id', 'max_mps', 'access_token_sealed', 'held_until', 'paused']).where('id', '=', numberId).executeTakeFirst();
    if (!row) return undefined;
    return {
      numberId: row.id, phoneNumberId: row.phone_number_id, maxMps: row.max_mps,
      accessToken: row.access_token_sealed ? this.secrets.open(row.access_token_sealed) : '', heldUntil: row.held_until, paused: row.paused === 1,
    };
  }

  async settleSent(outcomes: readonly SentOutcome[]): Promise<boolean[]> {
    if (outcomes.length === 0) return [];
    return this.engine.transaction(async (trx) => {
      const movedAll: boolean[] = [];
      await lockMessagesInOrder(this.engine, trx, async () => outcomes.map((o) => o.task.messageId));
      await removeJobs(trx, outcomes.map((o) => o.task.jobId)).execute();
      const told: { event: NewEvent; at: number }[] = [];
      for (const { task, wamid, at } of outcomes) {
        const sent = await trx.executeQuery(this.sent({ id: task.messageId, now: at, wamid }));
        const moved = (sent.numAffectedRows ?? 0n) > 0n;
        movedAll.push(moved);
        // A status webhook may have overtaken the answer and moved the message further: keep its wamid all the same.
        if (!moved) await trx.updateTable('messages').set((eb) => ({ wamid: eb.fn.coalesce('wamid', eb.val(wamid)) })).where('id', '=', task.messageId).execute();
        if (task.probe) await endProbe(trx, task.numberId).execute();
        if (moved) told.push({ event: messageProgressEvent('message.sent', { ...task, wamid }), at });
      }
      // The batch's outcomes share one time in practice; the ledger and the events take it per group.
      for (const [at, group] of groupBy(outcomes, (o) => o.at)) {
        await writeFate(trx, 'settle', group.map((o) => o.task.messageId), at).execute();
      }
      for (const [at, group] of groupBy(told, (t) => t.at)) await insertEvents(trx, group.map((t) => t.event), at).execute();
      return movedAll;
    });
  }

  settleRetry(task: DispatchTask, dueAt: number, error: SwitchboardError, now: number, waitsForUpstream: boolean): Promise<void> {
    return this.failures.submit({ kind: 'retry', task, dueAt, error, now, waitsForUpstream });
  }

  settleFailed(task: DispatchTask, error: SwitchboardError, now: number): Promise<void> {
    return this.failures.submit({ kind: 'fail', task, error, now });
  }

  async settleExpired(task: DispatchTask, now: number): Promise<void> {
    const error = gatewayError('expired');
    await this.engine.transaction(async (trx) => {
      // The job first and on its call mark, as a cancel does: an expiry never overtakes a call under way.
      const removed = await removeUncalledJobs(trx, [task.messageId]).execute();
      if (task.probe) await endProbe(trx, task.numberId).execute();
      if (removed.length === 0) return;
      const failed = await transitionQuery(this.engine, trx, 'expire', { id: task.messageId, now, error: errorJson(error) }).executeTakeFirst();
      if (failed.numUpdatedRows === 0n) return;
      await refundReservations(trx, [task.messageId], now);
      await insertEvent(trx, messageFailedEvent(task, error), now).execute();
    });
  }

  expireOverdue(now: number, limit: number): Promise<number> {
    return expireOverdue(this.engine, now, limit);
  }

  async unclaimTasks(tasks: readonly DispatchTask[], now: number): Promise<void> {
    if (tasks.length === 0) return;
    await transitionQuery(this.engine, this.engine.db, 'retry', { id: tasks.map((task) => task.messageId), now }).execute();
  }

  async holdNumber(task: DispatchTask, until: number | null, error: SwitchboardError, now: number): Promise<void> {
    const { numberId } = task;
    const hold = decideNumberHold(until, now);
    await this.engine.transaction(async (trx) => {
      await trx.updateTable('phone_numbers')
        .set({ held_until: hold.heldUntil, paused: hold.paused ? 1 : 0, hold_error: errorJson(error), updated_at: now }).where('id', '=', numberId).execute();
      // The hold and its job's release are one write: no crash leaves the number held with its job still leased to a
      // dead worker (lost until the lease lapses, then sent as interrupted), nor the job due with the number not held.
      await requeueJobs(trx, [task.jobId], hold.jobDueAt).execute();
      await transitionQuery(this.engine, trx, 'retry', { id: task.messageId, now }).execute();
      if (!hold.disconnectsAccount) return;
      const number = await trx.selectFrom('phone_numbers').select('account_id').where('id', '=', numberId).executeTakeFirst();
      const accountId = number?.account_id;
      if (!accountId) return;
      await trx.updateTable('accounts').set((eb) => ({ disconnected_at: eb.fn.coalesce('disconnected_at', eb.val(now)), updated_at: now }))
        .where('id', '=', accountId).execute();
      await insertEvent(trx, accountDisconnectedEvent(accountId, numberId, error), now).execute();
    });
  }
}
