/** SQLite's queue of customer-webhook deliveries: the pending rows of `webhook_deliveries`, leased lane (endpoint) by lane. */
import type { ClaimRequest } from '../../runtime/job-queue.js';
import type { DeliveryJob, DeliveryQueue } from '../webhook-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

const LEASE = `UPDATE webhook_deliveries SET lease_owner = @owner, lease_expires_at = @until
  WHERE id IN (SELECT id FROM webhook_deliveries
    WHERE %LANE% status = 'pending' AND next_attempt_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at <= @now)
    ORDER BY next_attempt_at LIMIT @limit)
  RETURNING id, endpoint_id, next_attempt_at`;

export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly stmts;

  constructor(db: SqliteDatabase) {
    this.stmts = {
      // One statement per shape: the lane's own index serves the per-endpoint claim the worker makes all the time.
      leaseLane: db.prepare(LEASE.replace('%LANE%', 'endpoint_id = @lane AND')),
      leaseAny: db.prepare(LEASE.replace('%LANE%', '')),
      renew: db.prepare(`UPDATE webhook_deliveries SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'pending' AND id IN (SELECT value FROM json_each(?))`),
      release: db.prepare(
        `UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = ?
         WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))`,
      ),
      complete: db.prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', manual = 0, next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL
         WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))`,
      ),
      releaseAll: db.prepare(`UPDATE webhook_deliveries SET lease_owner = NULL, lease_expires_at = NULL WHERE status = 'pending' AND lease_owner IS NOT NULL`),
    };
  }

  async claim({ owner, now, leaseMs, limit, lane }: ClaimRequest): Promise<DeliveryJob[]> {
    const params = { owner, until: now + leaseMs, now, limit };
    const rows = (lane === undefined ? this.stmts.leaseAny.all(params) : this.stmts.leaseLane.all({ ...params, lane })) as
      { id: string; endpoint_id: string; next_attempt_at: number }[];
    // RETURNING gives no order: the earliest due go first.
    return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : 1)).map((row) => ({ id: row.id, endpointId: row.endpoint_id }));
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<void> {
    if (ids.length > 0) this.stmts.renew.run(until, owner, JSON.stringify(ids));
  }

  async release(ids: readonly string[], dueAt: number): Promise<void> {
    if (ids.length > 0) this.stmts.release.run(dueAt, JSON.stringify(ids));
  }

  async complete(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) this.stmts.complete.run(JSON.stringify(ids));
  }

  async releaseAll(): Promise<number> {
    return this.stmts.releaseAll.run().changes;
  }
}
