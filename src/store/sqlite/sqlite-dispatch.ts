/** SQLite's side of the dispatch model: loading claimed jobs, call marks, outcomes and number holds, each one short transaction. */
import type { SwitchboardError } from '../../catalog/switchboard-error.js';
import type { CallMark, DispatchJob, DispatchStore, DispatchTask, NumberRoute, SentOutcome } from '../dispatch-store.js';
import { accountDisconnectedEvent, messageFailedEvent, messageProgressEvent } from '../../domain/events.js';
import type { SecretBox } from '../secret-box.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteEvents } from './sqlite-events.js';
import { prepareLedgerSettlement } from './sqlite-credit.js';
import type { SqliteOutboxQueue } from './sqlite-outbox-queue.js';
import { prepareTransition } from './sqlite-transition.js';

interface ClaimedRow {
  id: string;
  message_id: string;
  number_id: string;
  attempts: number;
  first_attempt_at: number | null;
  account_id: string;
  recipient: string;
  payload: string;
  wamid: string | null;
}

export function errorJson(error: SwitchboardError): string {
  return JSON.stringify({ namespace: error.entry.namespace, code: error.entry.code, detail: error.detail ?? error.entry.title, ...(error.upstream ? { upstream: error.upstream } : {}) });
}

function taskOf(row: ClaimedRow, { interrupted, probe }: DispatchJob): DispatchTask {
  return {
    jobId: row.id,
    messageId: row.message_id,
    accountId: row.account_id,
    numberId: row.number_id,
    to: row.recipient,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempts: row.attempts,
    firstAttemptAt: row.first_attempt_at,
    wamid: row.wamid,
    interrupted,
    probe,
  };
}

export class SqliteDispatch implements DispatchStore {
  private readonly events: SqliteEvents;
  /** Credit reserved at accept: settled on sent, refunded on failed, in the outcome's transaction (issue 6). */
  private readonly ledger: ReturnType<typeof prepareLedgerSettlement>;
  private readonly stmts;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly secrets: SecretBox,
    /** The outbox: outcomes end or requeue their jobs through it, inside their own transactions. */
    private readonly outbox: SqliteOutboxQueue,
  ) {
    this.events = new SqliteEvents(db);
    this.ledger = prepareLedgerSettlement(db);
    this.stmts = {
      claimed: db.prepare(
        `SELECT o.id, o.message_id, o.number_id, o.attempts, o.first_attempt_at,
                m.account_id, m.recipient, m.payload, m.wamid
         FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.id IN (SELECT value FROM json_each(?))`,
      ),
      claim: prepareTransition(db, 'claim'),
      endProbe: db.prepare(`UPDATE phone_numbers SET held_until = NULL, hold_error = NULL WHERE id = ? AND paused = 0`),
      beforeCall: db.prepare(
        `SELECT o.id, o.lease_owner, m.wamid FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.id IN (SELECT value FROM json_each(?))`,
      ),
      markCall: db.prepare(`UPDATE outbox SET calling_since = ? WHERE id IN (SELECT value FROM json_each(?))`),
      route: db.prepare(`SELECT id, phone_number_id, max_mps, access_token_sealed, held_until, paused FROM phone_numbers WHERE id = ?`),
      sent: prepareTransition(db, 'upstream_accepted', { setsWamid: true }),
      keepWamid: db.prepare(`UPDATE messages SET wamid = COALESCE(wamid, ?) WHERE id = ?`),
      retry: prepareTransition(db, 'retry', { setsError: true }),
      release: prepareTransition(db, 'retry'),
      failed: prepareTransition(db, 'upstream_rejected', { setsError: true }),
      hold: db.prepare(`UPDATE phone_numbers SET held_until = ?, paused = ?, hold_error = ?, updated_at = ? WHERE id = ?`),
      accountOf: db.prepare(`SELECT account_id FROM phone_numbers WHERE id = ?`).pluck(),
      disconnect: db.prepare(`UPDATE accounts SET disconnected_at = COALESCE(disconnected_at, ?), updated_at = ? WHERE id = ?`),
    };
  }

  async loadTasks(jobs: readonly DispatchJob[], now: number): Promise<DispatchTask[]> {
    if (jobs.length === 0) return [];
    // IMMEDIATE: it reads before it writes, and a WAL read snapshot older than the writer thread's last commit could
    // not be upgraded (SQLITE_BUSY at once, leaving the claimed jobs unloaded until their leases lapse).
    return this.db.transaction(() => {
      const rows = new Map((this.stmts.claimed.all(JSON.stringify(jobs.map((j) => j.id))) as ClaimedRow[]).map((row) => [row.id, row]));
      const tasks: DispatchTask[] = [];
      for (const job of jobs) {
        const row = rows.get(job.id);
        if (!row) continue;
        this.stmts.claim.run({ id: row.message_id, now });
        tasks.push(taskOf(row, job));
      }
      return tasks;
    }).immediate();
  }

  async markCalls(owner: string, tasks: readonly DispatchTask[], now: number): Promise<CallMark[]> {
    return this.db.transaction(() => {
      const rows = this.stmts.beforeCall.all(JSON.stringify(tasks.map((t) => t.jobId))) as { id: string; lease_owner: string | null; wamid: string | null }[];
      const byId = new Map(rows.map((row) => [row.id, row]));
      const marks = tasks.map((task): CallMark => {
        const row = byId.get(task.jobId);
        if (!row || row.lease_owner !== owner) return { kind: 'gone' };
        return row.wamid === null ? { kind: 'call' } : { kind: 'sent', wamid: row.wamid };
      });
      const calls = tasks.filter((_, i) => marks[i]?.kind === 'call').map((t) => t.jobId);
      if (calls.length > 0) this.stmts.markCall.run(now, JSON.stringify(calls));
      return marks;
    }).immediate();
  }

  async getSendRoute(numberId: string): Promise<NumberRoute | undefined> {
    const row = this.stmts.route.get(numberId) as
      | { id: string; phone_number_id: string; max_mps: number; access_token_sealed: string | null; held_until: number | null; paused: number }
      | undefined;
    if (!row) return undefined;
    return {
      numberId: row.id,
      phoneNumberId: row.phone_number_id,
      maxMps: row.max_mps,
      accessToken: row.access_token_sealed ? this.secrets.open(row.access_token_sealed) : '',
      heldUntil: row.held_until,
      paused: row.paused === 1,
    };
  }

  async settleSent(outcomes: readonly SentOutcome[]): Promise<void> {
    this.db.transaction(() => {
      this.outbox.remove(outcomes.map((o) => o.task.jobId));
      for (const { task, wamid, at } of outcomes) {
        const moved = this.stmts.sent.run({ id: task.messageId, now: at, wamid }).changes > 0;
        // A status webhook may have overtaken the answer and moved the message further: keep its wamid all the same.
        if (!moved) this.stmts.keepWamid.run(wamid, task.messageId);
        if (task.probe) this.stmts.endProbe.run(task.numberId);
        this.ledger.settle(task.messageId, at);
        if (moved) this.events.append(messageProgressEvent('message.sent', { ...task, wamid }), at);
      }
    })();
  }

  async settleRetry(task: DispatchTask, dueAt: number, error: SwitchboardError, now: number, waitsForUpstream: boolean): Promise<void> {
    this.db.transaction(() => {
      this.outbox.requeue([task.jobId], dueAt, { attempted: true, waitsForUpstream });
      if (task.probe) this.stmts.endProbe.run(task.numberId);
      this.stmts.retry.run({ id: task.messageId, now, error: errorJson(error) });
    })();
  }

  async settleFailed(task: DispatchTask, error: SwitchboardError, now: number): Promise<void> {
    this.db.transaction(() => {
      const moved = this.stmts.failed.run({ id: task.messageId, now, error: errorJson(error) }).changes > 0;
      this.outbox.remove([task.jobId]);
      if (task.probe) this.stmts.endProbe.run(task.numberId);
      if (moved) this.ledger.refund(task.messageId, now);
      if (moved) this.events.append(messageFailedEvent(task, error), now);
    })();
  }

  async unclaimTasks(tasks: readonly DispatchTask[], now: number): Promise<void> {
    if (tasks.length === 0) return;
    this.db.transaction(() => {
      for (const task of tasks) this.stmts.release.run({ id: task.messageId, now });
    })();
  }

  async holdNumber(task: DispatchTask, until: number | null, error: SwitchboardError, now: number): Promise<void> {
    const { numberId } = task;
    this.db.transaction(() => {
      this.stmts.hold.run(until, until === null ? 1 : 0, errorJson(error), now, numberId);
      // The hold and its job's release are one write: no crash leaves the number held with its job still leased to a
      // dead worker (lost until the lease lapses, then sent as interrupted), nor the job due with the number not held.
      this.outbox.requeue([task.jobId], until ?? now);
      this.stmts.release.run({ id: task.messageId, now });
      const accountId = this.stmts.accountOf.get(numberId) as string | null | undefined;
      if (until !== null || !accountId) return;
      this.stmts.disconnect.run(now, now, accountId);
      this.events.append(accountDisconnectedEvent(accountId, numberId, error), now);
    })();
  }
}
