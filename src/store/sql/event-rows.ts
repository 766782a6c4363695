/**
 * Events are appended inside whatever transaction writes their cause, so an event exists exactly when its cause does.
 * The payload comes from the domain's one builder per type; the store only persists it.
 */
import type { Insertable, Kysely } from 'kysely';
import type { NewEvent } from '../../domain/events.js';
import { newId } from '../ids.js';
import type { Database, EventsTable } from './schema.js';

function eventRow(event: NewEvent, now: number, id: string): Insertable<EventsTable> {
  return { id, account_id: event.accountId, type: event.type, subject_id: event.subjectId, payload: JSON.stringify(event.data), created_at: now };
}

/** The insert of `event` (run it, or compile it into an atomic group); its id is time-ordered like every id. */
export function insertEvent(db: Kysely<Database>, event: NewEvent, now: number, id: string = newId('evt', now)) {
  return db.insertInto('events').values(eventRow(event, now, id));
}

/** One insert of several events (run it only with `events` non-empty), for a batch whose outcomes each tell one. */
export function insertEvents(db: Kysely<Database>, events: readonly NewEvent[], now: number) {
  return db.insertInto('events').values(events.map((event) => eventRow(event, now, newId('evt', now))));
}
