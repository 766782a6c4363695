/** Status changes as conditional updates: a message moves only from the states its event allows (message-state.ts). */
import type { Kysely } from 'kysely';
import { TRANSITIONS, type MessageEvent } from '../../domain/message-state.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

export interface TransitionChange {
  readonly id: string;
  readonly now: number;
  /** The error to keep (JSON text), for events that fail a message. */
  readonly error?: string | null;
  /** Meta's id, kept only when the message has none yet. */
  readonly wamid?: string;
}

/** The update that applies `event` to one message; it changes no row when the message is in no state `event` leaves. */
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
    .where('id', '=', change.id)
    .where('status', 'in', [...from]);
}
