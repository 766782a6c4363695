/**
 * SQLite behind the shared store code: Kysely's SqliteDialect on the store's own better-sqlite3 connection. One file,
 * one writer, one process: claims take the write lock and wake-ups stay in this process.
 */
import {
  Kysely, SqliteDialect, type CompiledQuery, type QueryResult, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement,
} from 'kysely';
import type { StoreCapabilities } from '../store.js';
import type { Database } from '../sql/schema.js';
import type { SqlEngine } from '../sql/sql-engine.js';
import type { SqliteDatabase } from './sqlite-database.js';

export const SQLITE_CAPABILITIES: StoreCapabilities = {
  singleWriter: true,
  sharedAcrossProcesses: false,
  skipLocked: false,
  wakeUps: 'in-process',
};


/**
 * Kysely prepares every query anew, and better-sqlite3 takes about as long to prepare a statement as to run it (a
 * lookup by id: 14 µs of 21), so the engine keeps prepared statements by their SQL. Bounded, because patches build
 * SQL that varies with the fields they set.
 */
function withStatementCache(connection: SqliteDatabase, maxStatements = 256): KyselySqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => connection.close(),
    prepare: (source: string) => {
      const known = statements.get(source);
      if (known) return known;
      if (statements.size >= maxStatements) statements.clear();
      const statement = connection.prepare(source);
      statements.set(source, statement);
      return statement;
    },
  };
}

function runCompiled(db: KyselySqliteDatabase, query: CompiledQuery): QueryResult<unknown> {
  const statement = db.prepare(query.sql);
  if (statement.reader) return { rows: statement.all(query.parameters) };
  const { changes, lastInsertRowid } = statement.run(query.parameters);
  return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
}

export function createSqliteEngine(connection: SqliteDatabase): SqlEngine {
  const statements = withStatementCache(connection);
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) }),
    capabilities: SQLITE_CAPABILITIES,
    // Synchronous on purpose: better-sqlite3 runs the whole transaction before any other code on this connection
    // can, which an awaited Kysely transaction would not guarantee while older code shares the connection.
    runAtomically: async (queries) => connection.transaction(() => queries.map((query) => runCompiled(statements, query)))(),
    // The connection belongs to the store that opened it (Kysely's destroy would close it under the store's feet).
    close: async () => {},
  };
}
