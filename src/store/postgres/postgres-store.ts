/**
 * The store on PostgreSQL: the shared store over a pool, its schema created and migrated before it serves, accepted
 * messages committed in this process (the driver does not block the event loop) and wake-ups through LISTEN/NOTIFY,
 * so several gateway processes can share the database.
 */
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import type { SecretBox } from '../secret-box.js';
import { InProcessAcceptWriter } from '../sql/sql-accept-writer.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { createPostgresEngine, postgresClientConfig, type PostgresEngineOptions } from './postgres-engine.js';
import { ensureSchema, migratePostgres } from './postgres-migrations.js';
import { PostgresWakeUps } from './postgres-wake-ups.js';

export interface PostgresStoreOptions extends PostgresEngineOptions {
  readonly secrets: SecretBox;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const engine = createPostgresEngine(options);
  try {
    if (options.schema !== undefined) await ensureSchema(engine.db, options.schema);
    await migratePostgres(engine.db);
    const wakeUps = new PostgresWakeUps({
      connect: () => new pg.Client(postgresClientConfig(options)),
      query: (text, values) => engine.db.executeQuery(CompiledQuery.raw(text, [...values])),
      onError: (error) => console.error('PostgreSQL wake-ups:', error.message),
    });
    await wakeUps.start();
    return new SqlStore({
      engine,
      secrets: options.secrets,
      writer: new InProcessAcceptWriter(engine),
      wakeUps,
      ...(options.maxGroupItems === undefined ? {} : { maxGroupItems: options.maxGroupItems }),
      closeEngine: async () => {},
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
}
