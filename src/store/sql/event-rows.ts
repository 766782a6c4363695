/**
 * Events are appended inside whatever transaction writes their cause, so an event exists exactly when its cause does.
 * The payload comes from the domain's one builder per type; the store only persists it.
 */
import type { Kysely } from 'kysely';
import type { NewEvent } from '../../domain/events.js';
import { newId } from '../ids.js';
import type { Database } from './schema.js';

/** The insert of `event` (run it, or compile it into an atomic group); its id is time-ordered like every id. */
export function insertEvent(db: Kysely<Database>, event: NewEvent, now: number, id: string = newId('evt', now)) {
  return db.insertInto('events').values({
    id, account_id: event.accountId, type: event.type, subject_id: event.subjectId, payload: JSON.stringify(event.data), created_at: now,
  });
}
