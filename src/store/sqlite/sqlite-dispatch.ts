/** SQLite's side of dispatch: leased claims, call marks, outcomes and number holds, each one short transaction. */
import type { SwitchboardError } from '../../catalog/switchboard-error.js';
import type { CallMark, DispatchStore, DispatchTask, NumberRoute, SentOutcome } from '../dispatch-store.js';
import { accountDisconnectedEvent, accountReconnectedEvent, messageFailedEvent, messageProgressEvent } from '../../domain/events.js';
import type { SecretBox } from '../secret-box.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteEvents } from './sqlite-events.js';
import { prepareLedgerSettlement } from './sqlite-credit.js';
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

interface DueRow {
  id: string;
  calling_since: number | null;
  number_id: string;
  held_until: number | null;
}

/** Of each number whose hold ran out, only its first due job goes (the probe); the rest wait for its answer. */
function probesOnly(due: readonly DueRow[]): { rows: DueRow[]; probes: Set<string> } {
  const probing = new Set<string>();
  const probes = new Set<string>();
  const rows = due.filter((row) => {
    if (row.held_until === null) return true;
    if (probing.has(row.number_id)) return false;
    probing.add(row.number_id);
    probes.add(row.id);
    return true;
  });
  return { rows, probes };
}

function taskOf(row: ClaimedRow, interrupted: boolean, probe: boolean): DispatchTask {
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
  ) {
    this.events = new SqliteEvents(db);
    this.ledger = prepareLedgerSettlement(db);
    this.stmts = {
      due: db.prepare(
        `SELECT o.id, o.calling_since, o.number_id, n.held_until FROM outbox o JOIN phone_numbers n ON n.id = o.number_id
         WHERE o.due_at <= @now AND (o.lease_expires_at IS NULL OR o.lease_expires_at <= @now)
           AND n.paused = 0 AND (n.held_until IS NULL OR n.held_until <= @now)
         ORDER BY o.due_at LIMIT @limit`,
      ),
      lease: db.prepare(
        `UPDATE outbox SET lease_owner = @owner, lease_expires_at = @until, first_attempt_at = COALESCE(first_attempt_at, @now)
         WHERE id IN (SELECT value FROM json_each(@ids))`,
      ),
      claimed: db.prepare(
        `SELECT o.id, o.message_id, o.number_id, o.attempts, o.first_attempt_at,
                m.account_id, m.recipient, m.payload, m.wamid
         FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY o.due_at`,
      ),
      claim: prepareTransition(db, 'claim'),
      holdForProbe: db.prepare(`UPDATE phone_numbers SET held_until = ? WHERE id = ?`),
      endProbe: db.prepare(`UPDATE phone_numbers SET held_until = NULL, hold_error = NULL WHERE id = ? AND paused = 0`),
      reclaim: db.prepare(`UPDATE outbox SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner IS NOT NULL`),
      beforeCall: db.prepare(
        `SELECT o.id, o.lease_owner, m.wamid FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.id IN (SELECT value FROM json_each(?))`,
      ),
      markCall: db.prepare(`UPDATE outbox SET calling_since = ? WHERE id IN (SELECT value FROM json_each(?))`),
      upstreamBack: db.prepare(
        `UPDATE outbox SET due_at = @now, waits_for_upstream = 0
         WHERE id IN (SELECT id FROM outbox WHERE waits_for_upstream = 1 AND due_at > @now ORDER BY due_at LIMIT @limit)`,
      ),
      renew: db.prepare(`UPDATE outbox SET lease_expires_at = ? WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?))`),
      route: db.prepare(`SELECT id, phone_number_id, max_mps, access_token_sealed, held_until, paused FROM phone_numbers WHERE id = ?`),
      sent: prepareTransition(db, 'upstream_accepted', { setsWamid: true }),
      keepWamid: db.prepare(`UPDATE messages SET wamid = COALESCE(wamid, ?) WHERE id = ?`),
      deleteJob: db.prepare(`DELETE FROM outbox WHERE id = ?`),
      reschedule: db.prepare(
        `UPDATE outbox SET due_at = ?, waits_for_upstream = ?, lease_owner = NULL, lease_expires_at = NULL, calling_since = NULL WHERE id = ?`,
      ),
      failedCall: db.prepare(`UPDATE outbox SET attempts = attempts + 1 WHERE id = ?`),
      retry: prepareTransition(db, 'retry', { setsError: true }),
      release: prepareTransition(db, 'retry'),
      failed: prepareTransition(db, 'upstream_rejected', { setsError: true }),
      hold: db.prepare(`UPDATE phone_numbers SET held_until = ?, paused = ?, hold_error = ?, updated_at = ? WHERE id = ?`),
      accountOf: db.prepare(`SELECT account_id FROM phone_numbers WHERE id = ?`).pluck(),
      disconnect: db.prepare(`UPDATE accounts SET disconnected_at = COALESCE(disconnected_at, ?), updated_at = ? WHERE id = ?`),
      unpause: db.prepare(`UPDATE phone_numbers SET paused = 0, held_until = NULL, hold_error = NULL WHERE id = ? AND paused = 1`),
      stillPaused: db.prepare(`SELECT count(*) FROM phone_numbers WHERE account_id = ? AND paused = 1`).pluck(),
      reconnect: db.prepare(`UPDATE accounts SET disconnected_at = NULL, updated_at = ? WHERE id = ? AND disconnected_at IS NOT NULL`),
    };
  }

  async claimTasks(owner: string, now: number, leaseMs: number, limit: number): Promise<DispatchTask[]> {
    // IMMEDIATE: read the due jobs and lease them under one write lock, so two workers never lease the same job.
    return this.db.transaction(() => {
      const { rows, probes } = probesOnly(this.stmts.due.all({ now, limit }) as DueRow[]);
      if (rows.length === 0) return [];
      const ids = JSON.stringify(rows.map((r) => r.id));
      // calling_since is set only by a marked call: still set means that call never wrote how it ended.
      const interrupted = new Set(rows.filter((r) => r.calling_since !== null).map((r) => r.id));
      for (const row of rows) if (probes.has(row.id)) this.stmts.holdForProbe.run(now + leaseMs, row.number_id);
      this.stmts.lease.run({ owner, until: now + leaseMs, now, ids });
      const claimed = this.stmts.claimed.all(ids) as ClaimedRow[];
      for (const row of claimed) this.stmts.claim.run({ id: row.message_id, now });
      return claimed.map((row) => taskOf(row, interrupted.has(row.id), probes.has(row.id)));
    }).immediate();
  }

  async reclaimLeases(): Promise<void> {
    this.stmts.reclaim.run();
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

  async releaseUpstreamWaits(now: number, limit = -1): Promise<void> {
    this.stmts.upstreamBack.run({ now, limit });
  }

  async renewLeases(owner: string, jobIds: readonly string[], until: number): Promise<void> {
    this.stmts.renew.run(until, owner, JSON.stringify(jobIds));
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
      for (const { task, wamid, at } of outcomes) {
        const moved = this.stmts.sent.run({ id: task.messageId, now: at, wamid }).changes > 0;
        // A status webhook may have overtaken the answer and moved the message further: keep its wamid all the same.
        if (!moved) this.stmts.keepWamid.run(wamid, task.messageId);
        this.stmts.deleteJob.run(task.jobId);
        if (task.probe) this.stmts.endProbe.run(task.numberId);
        this.ledger.settle(task.messageId, at);
        if (moved) this.events.append(messageProgressEvent('message.sent', { ...task, wamid }), at);
      }
    })();
  }

  async settleRetry(task: DispatchTask, dueAt: number, error: SwitchboardError, now: number, waitsForUpstream: boolean): Promise<void> {
    this.db.transaction(() => {
      this.stmts.reschedule.run(dueAt, waitsForUpstream ? 1 : 0, task.jobId);
      if (task.probe) this.stmts.endProbe.run(task.numberId);
      this.stmts.failedCall.run(task.jobId);
      this.stmts.retry.run({ id: task.messageId, now, error: errorJson(error) });
    })();
  }

  async settleFailed(task: DispatchTask, error: SwitchboardError, now: number): Promise<void> {
    this.db.transaction(() => {
      const moved = this.stmts.failed.run({ id: task.messageId, now, error: errorJson(error) }).changes > 0;
      this.stmts.deleteJob.run(task.jobId);
      if (task.probe) this.stmts.endProbe.run(task.numberId);
      if (moved) this.ledger.refund(task.messageId, now);
      if (moved) this.events.append(messageFailedEvent(task, error), now);
    })();
  }

  async releaseTask(task: DispatchTask, dueAt: number, now: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.reschedule.run(dueAt, 0, task.jobId);
      this.stmts.release.run({ id: task.messageId, now });
    })();
  }

  /** Synchronous on purpose: it joins the transaction of the token update that causes it. */
  resumeNumber(numberId: string, now: number): void {
    if (this.stmts.unpause.run(numberId).changes === 0) return;
    const accountId = this.stmts.accountOf.get(numberId) as string | null | undefined;
    if (!accountId || (this.stmts.stillPaused.get(accountId) as number) > 0) return;
    if (this.stmts.reconnect.run(now, accountId).changes > 0)
      this.events.append(accountReconnectedEvent(accountId, numberId), now);
  }

  async holdNumber(numberId: string, until: number | null, error: SwitchboardError, now: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.hold.run(until, until === null ? 1 : 0, errorJson(error), now, numberId);
      const accountId = this.stmts.accountOf.get(numberId) as string | null | undefined;
      if (until !== null || !accountId) return;
      this.stmts.disconnect.run(now, now, accountId);
      this.events.append(accountDisconnectedEvent(accountId, numberId, error), now);
    })();
  }
}
