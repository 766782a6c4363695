/** Opens the retention pruner's access to the store the configuration names (its own connection on SQLite). */
import { sqliteFileOf, type StoreConfig } from './open-store.js';
import { RetentionStore } from './sql/retention-store.js';
import { openSqliteRetention } from './sqlite/sqlite-retention.js';

export interface OpenRetention {
  readonly store: RetentionStore;
  close(): Promise<void>;
}

export function openRetention(config: StoreConfig): OpenRetention {
  const file = sqliteFileOf(config);
  if (file === undefined) throw new Error(`retention has no engine for DATABASE_URL "${config.databaseUrl}"`);
  const engine = openSqliteRetention(file);
  return { store: new RetentionStore(engine), close: () => engine.close() };
}
