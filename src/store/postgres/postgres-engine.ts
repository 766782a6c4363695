/**
 * PostgreSQL behind the shared store code: Kysely's PostgresDialect over a `pg` pool. Several gateway processes may
 * share the database, so claims skip rows another process holds and wake-ups travel through LISTEN/NOTIFY.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { StoreCapabilities } from '../store.js';
import type { Database } from '../sql/schema.js';
import type { SqlEngine } from '../sql/sql-engine.js';

export const POSTGRES_CAPABILITIES: StoreCapabilities = {
  singleWriter: false,
  sharedAcrossProcesses: true,
  workersAcrossProcesses: true,
  skipLocked: true,
  rowLocks: true,
  wakeUps: 'across-processes',
};

export interface PostgresEngineOptions {
  readonly url: string;
  /** The schema to work in (its tables and migrations); undefined = the server's search_path. */
  readonly schema?: string;
  readonly maxConnections?: number;
  /** A statement running longer is cancelled (SQLSTATE 57014), answered as store_unavailable. */
  readonly statementTimeoutMs?: number;
  /** How long to wait for a connection before answering store_unavailable. */
  readonly connectTimeoutMs?: number;
}

const INT8_OID = 20;
// BIGINT columns hold epoch milliseconds and credit, far inside Number's exact range; pg would hand them over as strings.
const parseInt8 = (value: string): number => Number(value);
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** How every connection of the store is opened: the pool's, and the one that listens for wake-ups. */
export function postgresClientConfig(options: PostgresEngineOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    types: TYPES,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  };
}

export function createPostgresPool(options: PostgresEngineOptions): pg.Pool {
  const pool = new pg.Pool({ ...postgresClientConfig(options), max: options.maxConnections ?? 10 });
  // A connection dropped by the server (a restart, `pg_ctl stop`) must not crash the process. The pool listens on idle
  // connections only; one checked out between two statements (inside a transaction) emits the error on itself, so every
  // connection gets a listener of its own. The statement in progress still fails as store_unavailable, the pool drops
  // the broken connection on release, and the next query opens a new one.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export function createPostgresEngine(options: PostgresEngineOptions): SqlEngine {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPostgresPool(options) }) });
  return {
    db,
    capabilities: POSTGRES_CAPABILITIES,
    runAtomically: (queries) => db.transaction().execute(async (trx) => {
      const results = [];
      for (const query of queries) results.push(await trx.executeQuery(query));
      return results;
    }),
    transaction: (work) => db.transaction().execute(work),
    jsonWithNumber: (column, key, value) => sql<string>`(${sql.ref(column)}::jsonb || jsonb_build_object(${key}::text, ${value}::bigint))::text`,
    close: () => db.destroy(),
  };
}
