/**
 * The store on PostgreSQL: the shared store over a pool, its schema created and migrated before it serves, accepted
 * messages committed in this process (the driver does not block the event loop), and one session of its own for
 * wake-ups through LISTEN/NOTIFY and for the locks that tell other processes its workers are alive, so several gateway
 * processes can share the database.
 */
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import type { SecretBox } from '../secret-box.js';
import { InProcessAcceptWriter } from '../sql/sql-accept-writer.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
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
      ...(options.maxGroupItems === undefined ? {} : { maxGroupItems: options.maxGroupItems }),
      closeEngine: () => session.close(),
    });
  } catch (error) {
    await session.close();
    await engine.close();
    throw error;
  }
}
