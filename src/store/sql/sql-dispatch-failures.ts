/**
 * Failed upstream calls settled together: the retries and the failures that arrive while one commit is prepared share
 * its transaction, with the moves of messages that end alike (same event, error and time) in one statement each.
 * Each outcome writes what it wrote alone: its job requeued or removed, its message moved, a failure refunded and told.
 */
import type { Kysely } from 'kysely';
import type { SwitchboardError } from '../../catalog/switchboard-error.js';
import { messageFailedEvent } from '../../domain/events.js';
import type { MessageEvent } from '../../domain/message-state.js';
import type { DispatchTask } from '../dispatch-store.js';
import { errorJson } from './error-json.js';
import { precompileNamed } from './precompiled.js';
import { insertEvents } from './event-rows.js';
import { lockMessagesInOrder, transitionQuery } from './message-transition.js';
import type { Database } from './schema.js';
import { refundReservations } from './sql-credit.js';
import type { SqlEngine } from './sql-engine.js';
import { removeJobs, requeueJobs } from './sql-outbox-queue.js';

export type FailureSettle =
  | { readonly kind: 'retry'; readonly task: DispatchTask; readonly error: SwitchboardError; readonly now: number; readonly dueAt: number; readonly waitsForUpstream: boolean }
  | { readonly kind: 'fail'; readonly task: DispatchTask; readonly error: SwitchboardError; readonly now: number };

/** A probe's answer other than a new hold ends its number's hold (a paused number stays paused). */
export function endProbe(db: Kysely<Database>, numberId: string) {
  return db.updateTable('phone_numbers').set({ held_until: null, hold_error: null }).where('id', '=', numberId).where('paused', '=', 0);
}

/** Writes settles of failed calls, with the per-job statement compiled once (Kysely's build cost more than the update). */
export class FailureWriter {
  private readonly requeue;

  constructor(private readonly engine: SqlEngine) {
    const requeueOne = (waitsForUpstream: boolean) =>
      precompileNamed(['id', 'dueAt'], (slots) => requeueJobs(engine.db, [slots.id], slots.dueAt, { attempted: true, waitsForUpstream }));
    this.requeue = { waiting: requeueOne(true), notWaiting: requeueOne(false) };
  }

  /** Writes `failures` on `trx`, one transaction the caller opened. */
  async write(trx: Kysely<Database>, failures: readonly FailureSettle[]): Promise<void> {
    // Messages, then jobs, each in id order, as every other batch that changes several of them: none waits in a circle.
    const ordered = [...failures].sort((a, b) => (a.task.jobId < b.task.jobId ? -1 : 1));
    await lockMessagesInOrder(this.engine, trx, async () => ordered.map((f) => f.task.messageId));
    const fails = ordered.filter((f) => f.kind === 'fail');
    for (const f of ordered) {
      if (f.kind === 'retry') await trx.executeQuery((f.waitsForUpstream ? this.requeue.waiting : this.requeue.notWaiting)({ id: f.task.jobId, dueAt: f.dueAt }));
    }
    if (fails.length > 0) await removeJobs(trx, fails.map((f) => f.task.jobId)).execute();
    for (const numberId of new Set(ordered.filter((f) => f.task.probe).map((f) => f.task.numberId))) await endProbe(trx, numberId).execute();
    for (const group of alike(ordered.filter((f) => f.kind === 'retry'))) await move(this.engine, trx, 'retry', group);
    const failed = new Set<string>();
    for (const group of alike(fails)) for (const id of await move(this.engine, trx, 'upstream_rejected', group)) failed.add(id);
    // Only a failure that moved its message is refunded and told: one a status webhook moved first was sent after all.
    for (const group of byTime(fails.filter((f) => failed.has(f.task.messageId)))) {
      const now = group[0]!.now;
      await refundReservations(trx, group.map((f) => f.task.messageId), now);
      await insertEvents(trx, group.map((f) => messageFailedEvent(f.task, f.error)), now).execute();
    }
  }
}

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Outcomes that move their messages the same way: same error kept, same time. */
function alike(failures: readonly FailureSettle[]): FailureSettle[][] {
  return [...groupBy(failures, (f) => `${f.now}\u0000${errorJson(f.error)}`).values()];
}

function byTime(failures: readonly FailureSettle[]): FailureSettle[][] {
  return [...groupBy(failures, (f) => f.now).values()];
}

/** Moves a group's messages by `event`; answers the ids of those that moved. */
async function move(engine: SqlEngine, trx: Kysely<Database>, event: MessageEvent, group: readonly FailureSettle[]): Promise<string[]> {
  const { now, error } = group[0]!;
  const rows = await transitionQuery(engine, trx, event, { id: group.map((f) => f.task.messageId), now, error: errorJson(error) }).returning('id').execute();
  return rows.map((row) => row.id);
}
