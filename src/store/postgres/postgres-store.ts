/**
 * The store on PostgreSQL: the shared store over a pool, its schema created and migrated before it serves, accepted
 * messages committed in this process (the driver does not block the event loop), and one session of its own for
 * wake-ups through LISTEN/NOTIFY and for the locks that tell other processes its workers are alive, so several gateway
 * processes can share the database.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { SecretBox } from '../secret-box.js';
import { InProcessAcceptWriter } from '../sql/sql-accept-writer.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import type { Database } from '../sql/schema.js';
import { createPostgresEngine, postgresClientConfig, type PostgresEngineOptions } from './postgres-engine.js';
import { ensureSchema, migratePostgres } from './postgres-migrations.js';
import { postgresLiveness } from './postgres-liveness.js';
import { PostgresSession } from './postgres-session.js';
import { PostgresWakeUps, WAKE_CHANNEL } from './postgres-wake-ups.js';

export interface PostgresStoreOptions extends PostgresEngineOptions {
  readonly secrets: SecretBox;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
}

/**
 * Holds a session advisory lock (one per schema) on a pool connection of its own while `work` runs on the others, so
 * processes starting together do their one-time set-up one after the other.
 */
function underStartLock<T>(db: Kysely<Database>, work: () => Promise<T>): Promise<T> {
  const key = sql`hashtext('switchboard-start:' || current_schema())`;
  return db.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${key})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`SELECT pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const engine = createPostgresEngine(options);
  const onError = (error: Error) => console.error('PostgreSQL session:', error.message);
  const wakeUps = new PostgresWakeUps({ query: (text, values) => engine.db.executeQuery(CompiledQuery.raw(text, [...values])), onError });
  const session = new PostgresSession({
    connect: () => new pg.Client(postgresClientConfig(options)), channel: WAKE_CHANNEL, onNotification: (payload) => wakeUps.received(payload), onError,
  });
  try {
    if (options.schema !== undefined) await ensureSchema(engine.db, options.schema);
    await migratePostgres(engine.db);
    wakeUps.listenIn(await session.open());
    return new SqlStore({
      engine,
      secrets: options.secrets,
      writer: new InProcessAcceptWriter(engine),
      wakeUps,
      leaseLiveness: postgresLiveness(session),
      exclusively: (work) => underStartLock(engine.db, work),
      ...(options.maxGroupItems === undefined ? {} : { maxGroupItems: options.maxGroupItems }),
      closeEngine: () => session.close(),
    });
  } catch (error) {
    await session.close();
    await engine.close();
    throw error;
  }
}
