/** Status changes as conditional updates: a message moves only from the states its event allows (message-state.ts). */
import type { Kysely } from 'kysely';
import { TRANSITIONS, type MessageEvent } from '../../domain/message-state.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

export interface TransitionChange {
  /** One message, or several moved by one statement. */
  readonly id: string | readonly string[];
  readonly now: number;
  /** The error to keep (JSON text), for events that fail a message. */
  readonly error?: string | null;
  /** Meta's id, kept only when the message has none yet. */
  readonly wamid?: string;
}

/** The update that applies `event` to messages; it changes no row of a message in no state `event` leaves. */
export function transitionQuery(engine: Pick<SqlEngine, 'jsonWithNumber'>, db: Kysely<Database>, event: MessageEvent, change: TransitionChange) {
  const { from, to } = TRANSITIONS[event];
  return db.updateTable('messages')
    .set((eb) => ({
      status: to,
      updated_at: change.now,
      status_times: engine.jsonWithNumber('status_times', to, change.now),
      ...(change.error === undefined ? {} : { error: change.error }),
      ...(change.wamid === undefined ? {} : { wamid: eb.fn.coalesce('wamid', eb.val(change.wamid)) }),
    }))
    .$if(typeof change.id === 'string', (q) => q.where('id', '=', change.id as string))
    .$if(typeof change.id !== 'string', (q) => q.where('id', 'in', change.id as readonly string[]))
    .where('status', 'in', [...from]);
}

/**
 * Where rows lock (`rowLocks`), locks the messages `pick` selects, in id order, before a transaction changes several
 * of them: dispatch's outcomes and Meta's statuses both change batches of messages, and two transactions that took
 * the same rows' locks in different orders would deadlock.
 */
export async function lockMessagesInOrder(engine: Pick<SqlEngine, 'capabilities'>, trx: Kysely<Database>, ids: () => Promise<readonly string[]>): Promise<void> {
  if (!engine.capabilities.rowLocks) return;
  const unique = [...new Set(await ids())];
  // By primary key only: an OR of other conditions made the planner scan the whole table on every batch.
  if (unique.length > 0) await trx.selectFrom('messages').select('id').where('id', 'in', unique).orderBy('id').forUpdate().execute();
}
