/** What the store reads for the metrics and for back-pressure, written once for every engine: counts over the outbox and the pending deliveries. */
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.js';
import type { BacklogReading, GaugeStore, QueueReadings } from '../gauge-store.js';
import type { SqlEngine } from './sql-engine.js';
import { PENDING_DELIVERY } from './webhook-rows.js';

export class SqlGauges implements GaugeStore {
  constructor(private readonly engine: SqlEngine) {}

  async readQueues(now: number): Promise<QueueReadings> {
    const db = this.engine.db;
    const [outbox, backlog] = await Promise.all([
      db.selectFrom('outbox')
        .select(['number_id', (eb) => eb.fn.countAll().as('jobs'), sql<number | string | null>`min(case when due_at <= ${now} then due_at end)`.as('oldest_due_at')])
        .groupBy('number_id').execute(),
      db.selectFrom('webhook_deliveries')
        .select(['endpoint_id', (eb) => eb.fn.countAll().as('pending')])
        .where('status', '=', PENDING_DELIVERY).groupBy('endpoint_id').execute(),
    ]);
    return {
      // PostgreSQL answers counts and BIGINTs as strings.
      outbox: outbox.map((row) => ({ numberId: row.number_id, jobs: Number(row.jobs), oldestDueAt: row.oldest_due_at === null ? null : Number(row.oldest_due_at) })),
      webhookBacklog: backlog.map((row) => ({ endpointId: row.endpoint_id, pending: Number(row.pending) })),
    };
  }

  async readBacklog(now: number, limits: BacklogReading): Promise<BacklogReading> {
    const db = this.engine.db;
    // Each count reads at most its limit of rows from its index (outbox_due; the pending deliveries' partial index).
    const countUpTo = async (limit: number, rows: () => SelectQueryBuilder<Database, keyof Database, object>): Promise<number> => {
      if (limit <= 0) return 0;
      const row = await db.selectFrom(rows().select(sql<number>`1`.as('one')).limit(limit).as('capped'))
        .select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const [dueJobs, pendingDeliveries] = await Promise.all([
      countUpTo(limits.dueJobs, () => db.selectFrom('outbox').where('due_at', '<=', now)),
      countUpTo(limits.pendingDeliveries, () => db.selectFrom('webhook_deliveries').where('status', '=', PENDING_DELIVERY)),
    ]);
    return { dueJobs, pendingDeliveries };
  }
}
