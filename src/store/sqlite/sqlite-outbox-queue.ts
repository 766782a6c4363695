/** SQLite's outbox queue: leased claims under one write lock, holds and probes read from the numbers' rows. */
import { pickProbes } from '../../domain/hold-probe.js';
import type { ClaimRequest } from '../../runtime/job-queue.js';
import type { DispatchJob, DispatchQueue } from '../dispatch-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface DueRow {
  id: string;
  message_id: string;
  calling_since: number | null;
  numberId: string;
  heldUntil: number | null;
}

/** How a job goes back to waiting: after a failed call (`attempted`), and whether it waits for the upstream's return. */
export interface Requeue {
  readonly attempted?: boolean;
  readonly waitsForUpstream?: boolean;
}

export class SqliteOutboxQueue implements DispatchQueue {
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase) {
    this.stmts = {
      due: db.prepare(
        `SELECT o.id, o.message_id, o.calling_since, o.number_id AS numberId, n.held_until AS heldUntil FROM outbox o JOIN phone_numbers n ON n.id = o.number_id
         WHERE o.due_at <= @now AND (o.lease_expires_at IS NULL OR o.lease_expires_at <= @now)
           AND n.paused = 0 AND (n.held_until IS NULL OR n.held_until <= @now)
         ORDER BY o.due_at LIMIT @limit`,
      ),
      lease: db.prepare(
        `UPDATE outbox SET lease_owner = @owner, lease_expires_at = @until, first_attempt_at = COALESCE(first_attempt_at, @now)
         WHERE id IN (SELECT value FROM json_each(@ids))`,
      ),
      holdForProbe: db.prepare(`UPDATE phone_numbers SET held_until = ? WHERE id = ?`),
      renew: db.prepare(`UPDATE outbox SET lease_expires_at = ? WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?))`),
      requeue: db.prepare(
        `UPDATE outbox SET due_at = @dueAt, waits_for_upstream = @waits, attempts = attempts + @attempted, lease_owner = NULL,
           lease_expires_at = NULL, calling_since = NULL
         WHERE id IN (SELECT value FROM json_each(@ids))`,
      ),
      remove: db.prepare(`DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))`),
      releaseAll: db.prepare(`UPDATE outbox SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner IS NOT NULL`),
      upstreamBack: db.prepare(
        `UPDATE outbox SET due_at = @now, waits_for_upstream = 0
         WHERE id IN (SELECT id FROM outbox WHERE waits_for_upstream = 1 AND due_at > @now ORDER BY due_at LIMIT @limit)`,
      ),
    };
  }

  async claim({ owner, now, leaseMs, limit }: ClaimRequest): Promise<DispatchJob[]> {
    // IMMEDIATE: read the due jobs and lease them under one write lock, so two workers never lease the same job.
    return this.db.transaction(() => {
      const { jobs: rows, probes } = pickProbes(this.stmts.due.all({ now, limit }) as DueRow[]);
      if (rows.length === 0) return [];
      for (const row of rows) if (probes.has(row.id)) this.stmts.holdForProbe.run(now + leaseMs, row.numberId);
      this.stmts.lease.run({ owner, until: now + leaseMs, now, ids: JSON.stringify(rows.map((r) => r.id)) });
      // calling_since is set only by a marked call: still set means that call never wrote how it ended.
      return rows.map((row) => ({ id: row.id, messageId: row.message_id, numberId: row.numberId, interrupted: row.calling_since !== null, probe: probes.has(row.id) }));
    }).immediate();
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<void> {
    if (ids.length > 0) this.stmts.renew.run(until, owner, JSON.stringify(ids));
  }

  async release(ids: readonly string[], dueAt: number): Promise<void> {
    this.requeue(ids, dueAt);
  }

  async complete(ids: readonly string[]): Promise<void> {
    this.remove(ids);
  }

  async releaseAll(): Promise<number> {
    return this.stmts.releaseAll.run().changes;
  }

  async releaseUpstreamWaits(now: number, limit = -1): Promise<void> {
    this.stmts.upstreamBack.run({ now, limit });
  }

  /** Synchronous, so the model's outcomes can end their jobs inside their own transactions. */
  requeue(ids: readonly string[], dueAt: number, how: Requeue = {}): void {
    if (ids.length === 0) return;
    this.stmts.requeue.run({ ids: JSON.stringify(ids), dueAt, waits: how.waitsForUpstream ? 1 : 0, attempted: how.attempted ? 1 : 0 });
  }

  /** Synchronous, like `requeue`. */
  remove(ids: readonly string[]): void {
    if (ids.length > 0) this.stmts.remove.run(JSON.stringify(ids));
  }
}
