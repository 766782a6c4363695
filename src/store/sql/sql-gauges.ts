/** The queue readings for the metrics, written once for every engine: grouped counts over the outbox and the pending deliveries. */
import { sql } from 'kysely';
import type { GaugeStore, QueueReadings } from '../gauge-store.js';
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
}
