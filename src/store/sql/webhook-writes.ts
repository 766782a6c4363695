/**
 * The writes of the webhook model that more than one operation makes, or that the worker makes all the time: new
 * deliveries, attempt rows, failing what is pending, and settling a batch of attempts in a fixed few statements (not a
 * few per attempt: each is a round trip where the database is across a network). The hot ones are precompiled.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { failureStreaks } from '../../domain/webhook-delivery.js';
import type { PlannedDelivery } from '../../domain/webhook-endpoint.js';
import { newId } from '../ids.js';
import type { AttemptRecord, SettledAttempt } from '../webhook-store.js';
import { eachSlot, paddedIdRuns, perLength, powerOfTwoRuns, precompile, rowSlots } from './precompiled.js';
import type { Database } from './schema.js';
import { PENDING_DELIVERY } from './webhook-rows.js';

interface Retry {
  readonly id: string;
  readonly next: number;
}

interface NewDelivery extends PlannedDelivery {
  readonly id: string;
  readonly manual: 0 | 1;
  readonly now: number;
}

function attemptOf({ task, url, result, at, next }: SettledAttempt): AttemptRecord {
  return {
    ...result, id: newId('atmpt', at), endpointId: task.endpointId, deliveryId: task.deliveryId, eventId: task.eventId, url,
    trigger: task.trigger, nextAttemptAt: next.kind === 'retry' ? next.at : null, createdAt: at,
  };
}

/** The endpoint's pending deliveries fail (kept for replay), their leases gone. */
export function failPending(db: Kysely<Database>, endpointId: string, now: number) {
  return db.updateTable('webhook_deliveries')
    .set({ status: 'failed', manual: 0, next_attempt_at: null, lease_owner: null, lease_expires_at: null, updated_at: now })
    .where('endpoint_id', '=', endpointId).where('status', '=', PENDING_DELIVERY);
}

export class WebhookWrites {
  private readonly insertAttempts;
  private readonly insertDeliveryRows;
  private readonly finish;
  private readonly retry;
  private readonly streak;

  constructor(private readonly db: Kysely<Database>) {
    this.insertAttempts = perLength((n) => precompile<readonly AttemptRecord[], unknown>((slot) =>
      db.insertInto('webhook_attempts').values(rowSlots(slot, n, {
        id: (a) => a.id, endpoint_id: (a) => a.endpointId, delivery_id: (a) => a.deliveryId, event_id: (a) => a.eventId, url: (a) => a.url,
        trigger: (a) => a.trigger, outcome: (a) => a.outcome.kind, status_code: (a) => a.statusCode, duration_ms: (a) => Math.round(a.durationMs),
        response_excerpt: (a) => a.excerpt, next_attempt_at: (a) => a.nextAttemptAt, created_at: (a) => a.createdAt,
      }))));
    this.insertDeliveryRows = perLength((n) => precompile<readonly NewDelivery[], unknown>((slot) =>
      db.insertInto('webhook_deliveries').values(rowSlots(slot, n, {
        id: (d) => d.id, event_id: (d) => d.eventId, endpoint_id: (d) => d.endpointId, account_id: (d) => d.accountId,
        status: () => 'pending', attempts: () => 0, manual: (d) => d.manual, next_attempt_at: (d) => d.now, created_at: (d) => d.now,
        updated_at: (d) => d.now,
      }))
        // A replay may have given the endpoint this event before the fan-out reached it.
        .onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing())));
    this.finish = {
      // A delivered delivery is not kept: its attempt row is the log of it (migration 16).
      delivered: perLength((n) => precompile<{ ids: readonly string[]; at: number }, unknown>((slot) =>
        db.deleteFrom('webhook_deliveries').where('id', 'in', eachSlot(slot, n, (v) => v.ids)))),
      failed: perLength((n) => precompile<{ ids: readonly string[]; at: number }, unknown>((slot) =>
        db.updateTable('webhook_deliveries')
          .set((eb) => ({
            status: 'failed', attempts: eb('attempts', '+', 1), manual: 0, next_attempt_at: null, lease_owner: null, lease_expires_at: null,
            updated_at: slot((v) => v.at),
          }))
          // A delivery failed meanwhile (its endpoint was disabled) stays failed: only a pending one fails now.
          .where('id', 'in', eachSlot(slot, n, (v) => v.ids)).where('status', '=', PENDING_DELIVERY))),
    };
    // Each retry is due at its own time: one statement sets them all, the time picked by id.
    this.retry = perLength((n) => precompile<{ retries: readonly Retry[]; at: number }, unknown>((slot) => {
      const ids = Array.from({ length: n }, (_, i) => slot((v) => v.retries[i]!.id));
      const dueAt = sql<number>`case ${sql.ref('id')} ${sql.join(ids.map((id, i) => sql`when ${id} then cast(${slot((v) => v.retries[i]!.next)} as bigint)`), sql` `)} end`;
      return db.updateTable('webhook_deliveries')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: dueAt, lease_owner: null, lease_expires_at: null, updated_at: slot((v) => v.at) }))
        .where('id', 'in', ids).where('status', '=', PENDING_DELIVERY);
    }));
    const endpoints = db.updateTable('webhook_endpoints');
    this.streak = {
      cleared: precompile<{ id: string }, unknown>((slot) => endpoints.set({ failing_since: null }).where('id', '=', slot((v) => v.id)).where('failing_since', 'is not', null)),
      restarted: precompile<{ id: string; since: number }, unknown>((slot) => endpoints.set({ failing_since: slot((v) => v.since) }).where('id', '=', slot((v) => v.id))),
      started: precompile<{ id: string; since: number }, unknown>((slot) =>
        endpoints.set({ failing_since: slot((v) => v.since) }).where('id', '=', slot((v) => v.id)).where('failing_since', 'is', null)),
    };
  }

  /** Inserts one pending delivery per planned one, due at `now`, skipping pairs that have one already; answers how many it wrote. */
  async insertDeliveries(trx: Kysely<Database>, planned: readonly PlannedDelivery[], { manual, now }: { manual: 0 | 1; now: number }): Promise<number> {
    let written = 0;
    for (const run of powerOfTwoRuns(planned.map((p) => ({ ...p, id: newId('dlv', now), manual, now })))) {
      written += Number((await trx.executeQuery(this.insertDeliveryRows(run.length)(run))).numAffectedRows ?? 0);
    }
    return written;
  }

  attemptInserts(attempts: readonly AttemptRecord[]): CompiledQuery[] {
    return powerOfTwoRuns(attempts).map((run) => this.insertAttempts(run.length)(run));
  }

  /** Each attempt's row, its delivery's new state and its endpoint's failure streak, as statements run in one transaction. */
  settleStatements(settled: readonly SettledAttempt[]): CompiledQuery[] {
    // Deliveries are stamped with the batch's last attempt: retention reads the stamp, milliseconds do not matter.
    const at = Math.max(...settled.map((s) => s.at));
    const finishing = (kind: 'delivered' | 'failed') => paddedIdRuns(settled.filter((s) => s.next.kind === kind).map((s) => s.task.deliveryId))
      .map((ids) => this.finish[kind](ids.length)({ ids, at }));
    const streaks = [...failureStreaks(settled.map((s) => ({ endpointId: s.task.endpointId, at: s.at, delivered: s.next.kind === 'delivered' })))];
    return [
      ...this.attemptInserts(settled.map(attemptOf)),
      ...finishing('delivered'),
      ...finishing('failed'),
      ...powerOfTwoRuns(settled.flatMap(({ task, next }) => next.kind === 'retry' ? [{ id: task.deliveryId, next: next.at }] : []))
        .map((retries) => this.retry(retries.length)({ retries, at })),
      ...streaks.map(([id, change]) => change.kind === 'cleared' ? this.streak.cleared({ id })
        : this.streak[change.startsFresh ? 'restarted' : 'started']({ id, since: change.since })),
    ];
  }
}
