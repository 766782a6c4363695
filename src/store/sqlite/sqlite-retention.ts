/**
 * The retention pruner's own connection to the SQLite file, behind the same engine as the store's. Its own, so that
 * its reads never queue behind the store's statements; its multi-statement steps run through `runAtomically`, one
 * synchronous transaction each, so it never holds the write lock across an await. A short busy timeout: the pruner
 * runs on the main thread and would rather skip a turn than wait out the writer thread's commit.
 */
import Database from 'better-sqlite3';
import type { SqlEngine } from '../sql/sql-engine.js';
import { createSqliteEngine } from './sqlite-engine.js';

const PRUNER_BUSY_TIMEOUT_MS = 50;

export function openSqliteRetention(file: string): SqlEngine {
  const connection = new Database(file);
  connection.pragma(`busy_timeout = ${PRUNER_BUSY_TIMEOUT_MS}`);
  // As the store's own connection: deletions are no more precious than the dispatch progress it writes with NORMAL.
  connection.pragma('synchronous = NORMAL');
  // The engine leaves a connection to whoever opened it; this one is the pruner's alone.
  return { ...createSqliteEngine(connection), close: async () => void connection.close() };
}
