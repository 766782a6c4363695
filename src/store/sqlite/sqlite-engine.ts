/**
 * SQLite behind the shared store code: Kysely's SqliteDialect on the store's own better-sqlite3 connection. One file,
 * one writer, one process: claims take the write lock and wake-ups stay in this process.
 */
import {
  Kysely, SqliteDialect, sql, type CompiledQuery, type QueryResult, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement,
} from 'kysely';
import type { StoreCapabilities } from '../store.js';
import type { Database } from '../sql/schema.js';
import type { SqlEngine } from '../sql/sql-engine.js';
import type { SqliteDatabase } from './sqlite-database.js';

export const SQLITE_CAPABILITIES: StoreCapabilities = {
  singleWriter: true,
  sharedAcrossProcesses: false,
  workersAcrossProcesses: false,
  skipLocked: false,
  rowLocks: false,
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

/**
 * Kysely's SQLite driver hands its one connection to one caller at a time, so a transaction taken through
 * `connection()` excludes every other statement of this process until it ends. IMMEDIATE takes the write lock first:
 * a read snapshot that the writer thread's commit outdated could not become a write later.
 */
function immediateTransaction(db: Kysely<Database>) {
  return <T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.connection().execute(async (trx) => {
      await sql`BEGIN IMMEDIATE`.execute(trx);
      try {
        const result = await work(trx);
        await sql`COMMIT`.execute(trx);
        return result;
      } catch (error) {
        // SQLite may already have rolled back on its own (a full disk, an interrupt); the first error is the one to tell.
        await sql`ROLLBACK`.execute(trx).catch(() => undefined);
        throw error;
      }
    });
}

/**
 * The file shared with a partner process (a serving process and its background process): another process writes the
 * tables too, so nothing may be mirrored in memory. Claims still take the file's write lock, which orders both.
 */
export const SHARED_SQLITE_CAPABILITIES: StoreCapabilities = { ...SQLITE_CAPABILITIES, sharedAcrossProcesses: true, wakeUps: 'partner-process' };

export function createSqliteEngine(connection: SqliteDatabase, capabilities = SQLITE_CAPABILITIES): SqlEngine {
  const statements = withStatementCache(connection);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  return {
    db,
    transaction: immediateTransaction(db),
    jsonWithNumber: (column, key, value) => sql<string>`json_set(${sql.ref(column)}, ${`$.${key}`}, ${value})`,
    capabilities,
    // Synchronous on purpose: the statements run back to back without an await between them, cheaper than an awaited
    // transaction. It waits for Kysely's connection first: begun inside a `transaction` still open, it would only be a
    // savepoint of it, and that transaction's rollback would take it along after the caller was told it was written.
    runAtomically: (queries) => db.connection().execute(async () =>
      connection.transaction(() => queries.map((query) => runCompiled(statements, query)))()),
    // The connection belongs to the store that opened it (Kysely's destroy would close it under the store's feet).
    close: async () => {},
  };
}
