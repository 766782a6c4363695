/**
 * The queue of customer-webhook deliveries, written once for every engine: the pending rows of `webhook_deliveries`,
 * leased lane (endpoint) by lane.
 */
import type { ClaimRequest } from '../../runtime/job-queue.js';
import type { DeliveryJob, DeliveryQueue } from '../webhook-store.js';
import type { SqlEngine } from './sql-engine.js';
import { PENDING_DELIVERY } from './webhook-rows.js';

export class SqlDeliveryQueue implements DeliveryQueue {
  constructor(private readonly engine: SqlEngine) {}

  private get db() {
    return this.engine.db;
  }

  /**
   * One statement, so one transaction on every engine: the due rows are chosen and leased together. Where several
   * processes claim at once (`skipLocked`), each skips the rows another is leasing instead of waiting for them and
   * then leasing them a second time.
   */
  async claim({ owner, now, leaseMs, limit, lane }: ClaimRequest): Promise<DeliveryJob[]> {
    const rows = await this.db.updateTable('webhook_deliveries').set({ lease_owner: owner, lease_expires_at: now + leaseMs })
      .where('id', 'in', (eb) => eb.selectFrom('webhook_deliveries').select('id')
        // The lane's own partial index serves the per-endpoint claim the worker makes all the time.
        .$if(lane !== undefined, (q) => q.where('endpoint_id', '=', lane!))
        .where('status', '=', PENDING_DELIVERY).where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<=', now)]))
        .orderBy('next_attempt_at').limit(limit)
        .$if(this.engine.capabilities.skipLocked, (q) => q.forUpdate().skipLocked()))
      .returning(['id', 'endpoint_id', 'next_attempt_at'])
      .execute();
    // RETURNING gives no order: the earliest due go first.
    return rows
      .sort((a, b) => (a.next_attempt_at ?? 0) - (b.next_attempt_at ?? 0) || (a.id < b.id ? -1 : 1))
      .map((row) => ({ id: row.id, endpointId: row.endpoint_id }));
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('webhook_deliveries').set({ lease_expires_at: until })
      .where('lease_owner', '=', owner).where('status', '=', PENDING_DELIVERY).where('id', 'in', ids).execute();
  }

  async release(ids: readonly string[], dueAt: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('webhook_deliveries').set({ lease_owner: null, lease_expires_at: null, next_attempt_at: dueAt })
      .where('status', '=', PENDING_DELIVERY).where('id', 'in', ids).execute();
  }

  async complete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('webhook_deliveries')
      .set({ status: 'delivered', manual: 0, next_attempt_at: null, lease_owner: null, lease_expires_at: null })
      .where('status', '=', PENDING_DELIVERY).where('id', 'in', ids).execute();
  }

  async releaseAll(): Promise<number> {
    const result = await this.db.updateTable('webhook_deliveries').set({ lease_owner: null, lease_expires_at: null })
      .where('status', '=', PENDING_DELIVERY).where('lease_owner', 'is not', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
