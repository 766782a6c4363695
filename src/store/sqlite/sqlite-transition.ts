/** Status changes as conditional updates: a message moves only from the states its event allows (message-state.ts). */
import { TRANSITIONS, type MessageEvent } from '../../domain/message-state.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Binds: @id, @now; and @error (JSON text or null) where the statement keeps an error. */
export function prepareTransition(db: SqliteDatabase, event: MessageEvent, options: { setsError?: boolean; setsWamid?: boolean } = {}) {
  const { from, to } = TRANSITIONS[event];
  const sources = from.map((state) => `'${state}'`).join(', ');
  const extra = [options.setsError ? ', error = @error' : '', options.setsWamid ? ', wamid = COALESCE(wamid, @wamid)' : ''].join('');
  return db.prepare(
    `UPDATE messages SET status = '${to}', updated_at = @now, status_times = json_set(status_times, '$.${to}', @now)${extra}
     WHERE id = @id AND status IN (${sources})`,
  );
}
