/**
 * The writes of the webhook model that more than one operation makes: new deliveries, attempt rows, failing what is
 * pending, and the statements that settle a batch of attempts (a fixed few per batch, not a few per attempt, since
 * each is a round trip where the database is across a network).
 */
import type { CompiledQuery, Kysely } from 'kysely';
import { failureStreaks } from '../../domain/webhook-delivery.js';
import type { PlannedDelivery } from '../../domain/webhook-endpoint.js';
import { newId } from '../ids.js';
import type { AttemptRecord, SettledAttempt } from '../webhook-store.js';
import type { Database } from './schema.js';
import { PENDING_DELIVERY } from './webhook-rows.js';

/** Rows per multi-row insert: far below both engines' limits on bound parameters (32,766 and 65,535) at 12 columns. */
const ROWS_PER_INSERT = 1000;

function inBatches<T>(rows: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) batches.push(rows.slice(at, at + ROWS_PER_INSERT));
  return batches;
}

/** Inserts one pending delivery per planned one, due at `now`, skipping pairs that have one already; answers how many it wrote. */
export async function insertDeliveries(db: Kysely<Database>, planned: readonly PlannedDelivery[], { manual, now }: { manual: 0 | 1; now: number }): Promise<number> {
  let written = 0;
  for (const batch of inBatches(planned)) {
    const result = await db.insertInto('webhook_deliveries')
      .values(batch.map((p) => ({
        id: newId('dlv', now), event_id: p.eventId, endpoint_id: p.endpointId, account_id: p.accountId, status: 'pending', attempts: 0,
        manual, next_attempt_at: now, created_at: now, updated_at: now,
      })))
      // A replay may have given the endpoint this event before the fan-out reached it.
      .onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing())
      .executeTakeFirst();
    written += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return written;
}

export function attemptInserts(db: Kysely<Database>, attempts: readonly AttemptRecord[]) {
  return inBatches(attempts).map((batch) => db.insertInto('webhook_attempts').values(batch.map((a) => ({
    id: a.id, endpoint_id: a.endpointId, delivery_id: a.deliveryId, event_id: a.eventId, url: a.url, trigger: a.trigger,
    outcome: a.outcome.kind, status_code: a.statusCode, duration_ms: Math.round(a.durationMs), response_excerpt: a.excerpt,
    next_attempt_at: a.nextAttemptAt, created_at: a.createdAt,
  }))));
}

/** The endpoint's pending deliveries fail (kept for replay), their leases gone. */
export function failPending(db: Kysely<Database>, endpointId: string, now: number) {
  return db.updateTable('webhook_deliveries')
    .set({ status: 'failed', manual: 0, next_attempt_at: null, lease_owner: null, lease_expires_at: null, updated_at: now })
    .where('endpoint_id', '=', endpointId).where('status', '=', PENDING_DELIVERY);
}

function attemptOf({ task, url, result, at, next }: SettledAttempt): AttemptRecord {
  return {
    ...result, id: newId('atmpt', at), endpointId: task.endpointId, deliveryId: task.deliveryId, eventId: task.eventId, url,
    trigger: task.trigger, nextAttemptAt: next.kind === 'retry' ? next.at : null, createdAt: at,
  };
}

/** Each attempt's row, its delivery's new state and its endpoint's failure streak, as statements run in one transaction. */
export function settleStatements(db: Kysely<Database>, settled: readonly SettledAttempt[]): CompiledQuery[] {
  const ids = (kind: SettledAttempt['next']['kind']) => settled.filter((s) => s.next.kind === kind).map((s) => s.task.deliveryId);
  const deliveries = db.updateTable('webhook_deliveries');
  const finished = (status: 'delivered' | 'failed', at: number) => deliveries.set((eb) => ({
    status, attempts: eb('attempts', '+', 1), manual: 0, next_attempt_at: null, lease_owner: null, lease_expires_at: null, updated_at: at,
  }));
  // Finished deliveries are stamped with the batch's last attempt: retention reads the stamp, milliseconds do not matter.
  const at = Math.max(...settled.map((s) => s.at));
  const delivered = ids('delivered');
  const failed = ids('failed');
  return [
    ...attemptInserts(db, settled.map(attemptOf)),
    ...(delivered.length === 0 ? [] : [finished('delivered', at).where('id', 'in', delivered)]),
    // A delivery failed meanwhile (its endpoint was disabled) stays failed: only pending ones move on.
    ...(failed.length === 0 ? [] : [finished('failed', at).where('id', 'in', failed).where('status', '=', PENDING_DELIVERY)]),
    ...settled.flatMap(({ task, next, at: attemptAt }) => next.kind !== 'retry' ? [] : [deliveries
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: next.at, lease_owner: null, lease_expires_at: null, updated_at: attemptAt }))
      .where('id', '=', task.deliveryId).where('status', '=', PENDING_DELIVERY)]),
    ...streakStatements(db, settled),
  ].map((query) => query.compile());
}

function streakStatements(db: Kysely<Database>, settled: readonly SettledAttempt[]) {
  const streaks = failureStreaks(settled.map((s) => ({ endpointId: s.task.endpointId, at: s.at, delivered: s.next.kind === 'delivered' })));
  const endpoints = db.updateTable('webhook_endpoints');
  const cleared = [...streaks].filter(([, change]) => change.kind === 'cleared').map(([id]) => id);
  return [
    ...(cleared.length === 0 ? [] : [endpoints.set({ failing_since: null }).where('id', 'in', cleared).where('failing_since', 'is not', null)]),
    ...[...streaks].flatMap(([id, change]) => change.kind === 'cleared' ? [] : [
      endpoints.set({ failing_since: change.since }).where('id', '=', id).$if(!change.startsFresh, (q) => q.where('failing_since', 'is', null)),
    ]),
  ];
}
