/** Opens the retention pruner's access to the store the configuration names: its own connection (or small pool). */
import { sqliteFileOf, type StoreConfig } from './open-store.js';
import { createPostgresEngine } from './postgres/postgres-engine.js';
import { isPostgresUrl, parsePostgresUrl } from './postgres/postgres-url.js';
import { RetentionStore } from './sql/retention-store.js';
import { openSqliteRetention } from './sqlite/sqlite-retention.js';

export interface OpenRetention {
  readonly store: RetentionStore;
  close(): Promise<void>;
}

export function openRetention(config: StoreConfig): OpenRetention {
  if (isPostgresUrl(config.databaseUrl)) {
    // The store opened (and migrated) the schema before the pruner starts; two connections are plenty for batches.
    const engine = createPostgresEngine({ ...parsePostgresUrl(config.databaseUrl), maxConnections: 2 });
    return { store: new RetentionStore(engine), close: () => engine.close() };
  }
  const file = sqliteFileOf(config);
  if (file === undefined) throw new Error(`retention has no engine for DATABASE_URL "${config.databaseUrl}"`);
  const engine = openSqliteRetention(file);
  return { store: new RetentionStore(engine), close: () => engine.close() };
}
