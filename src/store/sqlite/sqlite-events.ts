/** Appends events to the outbox table inside whatever transaction is open, so an event exists exactly when its cause does. */
import type { NewEvent } from '../../domain/events.js';
import { newId } from '../ids.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteEvents {
  private readonly insert;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(`INSERT INTO events (id, account_id, type, subject_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
  }

  append(event: NewEvent, now: number): string {
    const id = newId('evt');
    this.insert.run(id, event.accountId, event.type, event.subjectId, JSON.stringify(event.data), now);
    return id;
  }
}
