/**
 * The retention pruner's own connection to the SQLite file. Its own, so that its short transactions (an upload with
 * its chunks, a ledger fold) can never take in a statement of another code path, as they could on the store's
 * connection, whose synchronous transactions Kysely knows nothing of. A short busy timeout: the pruner runs on the
 * main thread and would rather skip a turn than wait out the writer thread's commit.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as StoreSchema } from '../sql/schema.js';

const PRUNER_BUSY_TIMEOUT_MS = 50;

export function openSqliteRetention(file: string): Kysely<StoreSchema> {
  const db = new Database(file);
  db.pragma(`busy_timeout = ${PRUNER_BUSY_TIMEOUT_MS}`);
  // As the store's own connection: deletions are no more precious than the dispatch progress it writes with NORMAL.
  db.pragma('synchronous = NORMAL');
  return new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: db }) });
}
