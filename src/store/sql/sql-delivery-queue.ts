/**
 * The queue of customer-webhook deliveries, written once for every engine: the pending rows of `webhook_deliveries`,
 * leased lane (endpoint) by lane, and the lanes themselves (`webhook_lanes`), each leased to one worker at a time.
 */
import type { ClaimRequest } from '../../runtime/job-queue.js';
import type { DeliveryJob, DeliveryQueue } from '../webhook-store.js';
import { SOLE_PROCESS_LIVENESS, type LeaseLiveness } from './lease-liveness.js';
import type { SqlEngine } from './sql-engine.js';
import { eachSlot, paddedIdRuns, perLength, precompile } from './precompiled.js';
import { PENDING_DELIVERY } from './webhook-rows.js';

type Lease = Omit<ClaimRequest, 'leaseMs'> & { readonly until: number };

/** Lanes per statement: each row of the insert takes three parameters, well inside every engine's limit. */
const LANES_PER_STATEMENT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class SqlDeliveryQueue implements DeliveryQueue {
  // Precompiled (see precompiled.ts): the worker claims lane by lane all the time.
  private readonly leaseLane;
  private readonly leaseAny;
  private readonly renewRun;
  private readonly releaseRun;
  private readonly completeRun;

  constructor(
    private readonly engine: SqlEngine,
    private readonly liveness: LeaseLiveness = SOLE_PROCESS_LIVENESS,
  ) {
    const db = engine.db;
    /**
     * One statement, so one transaction on every engine: the due rows are chosen and leased together. Where several
     * processes claim at once (`skipLocked`), each skips the rows another is leasing instead of waiting for them and
     * then leasing them a second time.
     */
    const lease = (byLane: boolean) => precompile<Lease, { id: string; endpoint_id: string; next_attempt_at: number | null }>((slot) =>
      db.updateTable('webhook_deliveries').set({ lease_owner: slot((v) => v.owner), lease_expires_at: slot((v) => v.until) })
        .where('id', 'in', (eb) => eb.selectFrom('webhook_deliveries').select('id')
          // The lane's own partial index serves the per-endpoint claim the worker makes all the time.
          .$if(byLane, (q) => q.where('endpoint_id', '=', slot((v) => v.lane!)))
          .where('status', '=', PENDING_DELIVERY).where('next_attempt_at', '<=', slot((v) => v.now))
          .where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<=', slot((v) => v.now))]))
          .orderBy('next_attempt_at').limit(slot((v) => v.limit))
          .$if(engine.capabilities.skipLocked, (q) => q.forUpdate().skipLocked()))
        .returning(['id', 'endpoint_id', 'next_attempt_at']));
    this.leaseLane = lease(true);
    this.leaseAny = lease(false);
    const pending = db.updateTable('webhook_deliveries').where('status', '=', PENDING_DELIVERY);
    this.renewRun = perLength((n) => precompile<{ ids: readonly string[]; owner: string; until: number }, unknown>((slot) =>
      pending.set({ lease_expires_at: slot((v) => v.until) }).where('lease_owner', '=', slot((v) => v.owner)).where('id', 'in', eachSlot(slot, n, (v) => v.ids))));
    this.releaseRun = perLength((n) => precompile<{ ids: readonly string[]; dueAt: number }, unknown>((slot) =>
      pending.set({ lease_owner: null, lease_expires_at: null, next_attempt_at: slot((v) => v.dueAt) }).where('id', 'in', eachSlot(slot, n, (v) => v.ids))));
    // Delivered deliveries are not kept (migration 16): completing a pending one removes it.
    this.completeRun = perLength((n) => precompile<{ ids: readonly string[] }, unknown>((slot) =>
      db.deleteFrom('webhook_deliveries').where('status', '=', PENDING_DELIVERY).where('id', 'in', eachSlot(slot, n, (v) => v.ids))));
  }

  private get db() {
    return this.engine.db;
  }

  async claim({ leaseMs, ...request }: ClaimRequest): Promise<DeliveryJob[]> {
    await this.liveness.hold(request.owner);
    const lease = { ...request, until: request.now + leaseMs };
    const { rows } = await this.db.executeQuery(request.lane === undefined ? this.leaseAny(lease) : this.leaseLane(lease));
    // RETURNING gives no order: the earliest due go first.
    return rows
      .sort((a, b) => (a.next_attempt_at ?? 0) - (b.next_attempt_at ?? 0) || (a.id < b.id ? -1 : 1))
      .map((row) => ({ id: row.id, endpointId: row.endpoint_id }));
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<void> {
    for (const run of paddedIdRuns(ids)) await this.db.executeQuery(this.renewRun(run.length)({ ids: run, owner, until }));
  }

  async release(ids: readonly string[], dueAt: number): Promise<void> {
    for (const run of paddedIdRuns(ids)) await this.db.executeQuery(this.releaseRun(run.length)({ ids: run, dueAt }));
  }

  async complete(ids: readonly string[]): Promise<void> {
    for (const run of paddedIdRuns(ids)) await this.db.executeQuery(this.completeRun(run.length)({ ids: run }));
  }

  async releaseAbandoned(): Promise<number> {
    const result = await this.db.updateTable('webhook_deliveries').set({ lease_owner: null, lease_expires_at: null })
      .where('status', '=', PENDING_DELIVERY).where('lease_owner', 'is not', null).where(this.liveness.ownerGone('lease_owner')).executeTakeFirst();
    await this.db.deleteFrom('webhook_lanes').where(this.liveness.ownerGone('lease_owner')).execute();
    return Number(result.numUpdatedRows);
  }

  async holdLanes(owner: string, lanes: readonly string[], now: number, until: number): Promise<string[]> {
    if (lanes.length === 0) return [];
    await this.liveness.hold(owner);
    const held: string[] = [];
    // In one order everywhere: two processes inserting the same new lanes in opposite orders would deadlock.
    for (const some of chunks([...lanes].sort(), LANES_PER_STATEMENT)) {
      const [, taken] = await this.engine.runAtomically([this.addLanes(owner, some, until), this.takeLanes(owner, some, now, until)]);
      held.push(...(taken!.rows as { endpoint_id: string }[]).map((row) => row.endpoint_id));
    }
    return held;
  }

  async releaseLanes(owner: string, lanes: readonly string[]): Promise<void> {
    for (const some of chunks(lanes, LANES_PER_STATEMENT))
      await this.db.deleteFrom('webhook_lanes').where('lease_owner', '=', owner).where('endpoint_id', 'in', some).execute();
  }

  /** A lane no worker ever held (or handed back) starts out as `owner`'s; one that exists is left to `takeLanes`. */
  private addLanes(owner: string, lanes: readonly string[], until: number) {
    return this.db.insertInto('webhook_lanes').values(lanes.map((id) => ({ endpoint_id: id, lease_owner: owner, lease_expires_at: until })))
      .onConflict((conflict) => conflict.column('endpoint_id').doNothing()).compile();
  }

  /**
   * Leases the lanes that are `owner`'s, lapsed, or left by a dead process. Where processes share the database, a lane
   * another worker is taking right now is skipped, not waited for: that worker gets it.
   */
  private takeLanes(owner: string, lanes: readonly string[], now: number, until: number) {
    return this.db.updateTable('webhook_lanes').set({ lease_owner: owner, lease_expires_at: until })
      .where('endpoint_id', 'in', (eb) => eb.selectFrom('webhook_lanes').select('endpoint_id').where('endpoint_id', 'in', lanes)
        .where((w) => w.or([w('lease_owner', '=', owner), w('lease_expires_at', '<=', now), this.liveness.ownerDied('lease_owner')]))
        .$if(this.engine.capabilities.skipLocked, (q) => q.forUpdate().skipLocked()))
      .returning('endpoint_id').compile();
  }
}
