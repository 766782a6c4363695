/**
 * The outbox queue, written once for every engine: leased claims (ids only), holds and probes read from the numbers'
 * rows. The requeue and remove statements are exported so the dispatch model's outcomes can end or requeue their jobs
 * inside their own transactions.
 */
import { sql, type Kysely } from 'kysely';
import { DEFAULT_DELIVERY_BOUNDS, LANE_OF } from '../../domain/delivery.js';
import { pickProbes } from '../../domain/hold-probe.js';
import type { ClaimRequest } from '../../runtime/job-queue.js';
import type { DispatchJob, DispatchQueue } from '../dispatch-store.js';
import { SOLE_PROCESS_LIVENESS, type LeaseLiveness } from './lease-liveness.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

/** How a job goes back to waiting: after a failed call (`attempted`), and whether it waits for the upstream's return. */
export interface Requeue {
  readonly attempted?: boolean;
  readonly waitsForUpstream?: boolean;
}

/** The rank of a job retried at `dueAt`: its lane's rank for that time, as if it had been accepted due then. */
function rankAt(dueAt: number) {
  const { high, normal, bulk } = DEFAULT_DELIVERY_BOUNDS.laneHandicapMs;
  return sql<number>`cast(${dueAt} as bigint) + case ${sql.ref('lane')} when ${sql.lit(LANE_OF.high)} then ${sql.lit(high)} when ${sql.lit(LANE_OF.normal)} then ${sql.lit(normal)} else ${sql.lit(bulk)} end`;
}

/**
 * Jobs due again at `dueAt`, their leases and call marks gone. Run it only with `ids` non-empty. A job handed back
 * unsent keeps its rank, so its place among its number's jobs; a retried one ranks anew from its backoff.
 */
export function requeueJobs(db: Kysely<Database>, ids: readonly string[], dueAt: number, how: Requeue = {}) {
  return db.updateTable('outbox')
    .set((eb) => ({
      due_at: dueAt, ...(how.attempted ? { rank_at: rankAt(dueAt) } : {}), waits_for_upstream: how.waitsForUpstream ? 1 : 0, attempts: eb('attempts', '+', how.attempted ? 1 : 0),
      lease_owner: null, lease_expires_at: null, calling_since: null,
    }))
    .where('id', 'in', ids);
}

/** Jobs done for good. Run it only with `ids` non-empty. */
export function removeJobs(db: Kysely<Database>, ids: readonly string[]) {
  return db.deleteFrom('outbox').where('id', 'in', ids);
}

/**
 * The jobs of these messages that no call is marked for, removed; answers the messages whose job it removed. The
 * condition a cancel or an expiry races a call mark on (sql-dispatch.ts `markCalls`): on the same row, one wins.
 */
export function removeUncalledJobs(db: Kysely<Database>, messageIds: readonly string[]) {
  return db.deleteFrom('outbox').where('message_id', 'in', messageIds).where('calling_since', 'is', null).returning('message_id');
}

export class SqlOutboxQueue implements DispatchQueue {
  constructor(
    private readonly engine: SqlEngine,
    private readonly liveness: LeaseLiveness = SOLE_PROCESS_LIVENESS,
  ) {}

  claim(request: ClaimRequest): Promise<DispatchJob[]> {
    return this.claimFrom(request, undefined);
  }

  claimHighLane(request: ClaimRequest): Promise<DispatchJob[]> {
    return this.claimFrom(request, LANE_OF.high);
  }

  /** Due jobs by rank (of one lane only, when `lane` is given: its own index then keeps the scan short). */
  private async claimFrom({ owner, now, leaseMs, limit }: ClaimRequest, lane: number | undefined): Promise<DispatchJob[]> {
    await this.liveness.hold(owner);
    const { capabilities } = this.engine;
    // One write transaction: on SQLite it holds the write lock, so two claimers never read the same due jobs; where
    // rows lock, each claimer locks the jobs it read and passes over the ones another claimer holds.
    return this.engine.transaction(async (trx) => {
      const due = await trx.selectFrom('outbox as o').innerJoin('phone_numbers as n', 'n.id', 'o.number_id')
        .select(['o.id', 'o.message_id', 'o.calling_since', 'o.number_id as numberId', 'n.held_until as heldUntil'])
        .where('o.due_at', '<=', now)
        .where((eb) => eb.or([eb('o.lease_expires_at', 'is', null), eb('o.lease_expires_at', '<=', now)]))
        .where('n.paused', '=', 0)
        .where((eb) => eb.or([eb('n.held_until', 'is', null), eb('n.held_until', '<=', now)]))
        // A number Meta restricted keeps its jobs until the restriction ends or is lifted (domain/number-health.ts).
        .where((eb) => eb.or([eb('n.restricted', '=', 0), eb('n.restricted_until', '<=', now)]))
        .$if(lane !== undefined, (q) => q.where('o.lane', '=', lane!))
        .orderBy('o.rank_at').limit(limit)
        .$if(capabilities.skipLocked, (q) => q.forUpdate('o').skipLocked())
        .$if(capabilities.rowLocks && !capabilities.skipLocked, (q) => q.forUpdate('o'))
        .execute();
      const { jobs, probes } = pickProbes(due);
      const lost = new Set<string>();
      for (const job of jobs) {
        if (!probes.has(job.id)) continue;
        // Holds the number again for the probe's lease, if its hold still ran out: a claimer running alongside that
        // took another of its jobs as the probe first leaves this one unclaimed.
        const held = await trx.updateTable('phone_numbers').set({ held_until: now + leaseMs })
          .where('id', '=', job.numberId).where('held_until', '<=', now).executeTakeFirst();
        if (held.numUpdatedRows === 0n) lost.add(job.id);
      }
      const claimed = jobs.filter((job) => !lost.has(job.id));
      if (claimed.length === 0) return [];
      await trx.updateTable('outbox')
        .set((eb) => ({ lease_owner: owner, lease_expires_at: now + leaseMs, first_attempt_at: eb.fn.coalesce('first_attempt_at', eb.val(now)) }))
        .where('id', 'in', claimed.map((job) => job.id)).execute();
      // calling_since is set only by a marked call: still set means that call never wrote how it ended.
      return claimed.map((job) => ({ id: job.id, messageId: job.message_id, numberId: job.numberId, interrupted: job.calling_since !== null, probe: probes.has(job.id) }));
    });
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<void> {
    if (ids.length === 0) return;
    await this.engine.db.updateTable('outbox').set({ lease_expires_at: until }).where('lease_owner', '=', owner).where('id', 'in', ids).execute();
  }

  async release(ids: readonly string[], dueAt: number): Promise<void> {
    if (ids.length > 0) await requeueJobs(this.engine.db, ids, dueAt).execute();
  }

  async complete(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await removeJobs(this.engine.db, ids).execute();
  }

  async releaseAbandoned(): Promise<number> {
    const result = await this.engine.db.updateTable('outbox').set({ lease_owner: null, lease_expires_at: null })
      .where('lease_owner', 'is not', null).where(this.liveness.ownerGone('lease_owner')).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async releaseUpstreamWaits(now: number, limit?: number): Promise<void> {
    await this.engine.db.updateTable('outbox').set({ due_at: now, waits_for_upstream: 0 })
      .where('id', 'in', (eb) => eb.selectFrom('outbox').select('id').where('waits_for_upstream', '=', 1).where('due_at', '>', now)
        .orderBy('due_at').$if(limit !== undefined, (q) => q.limit(limit!)))
      .execute();
  }
}
