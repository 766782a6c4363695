/**
 * The embedded store: one SQLite file in WAL mode, read and written by this process's one connection (dispatch,
 * webhooks, admin) and by the writer thread that commits accepted messages with group commit. Wake-ups stay in this
 * process: one gateway process owns the file.
 */
import { LocalWakeUps } from '../../runtime/wake-ups.js';
import type { SecretBox } from '../secret-box.js';
import { SOLE_PROCESS_LIVENESS } from '../sql/lease-liveness.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { createSqliteEngine } from './sqlite-engine.js';
import { SqliteWriter } from './sqlite-writer.js';

export interface SqliteStoreOptions {
  readonly file: string;
  readonly secrets: SecretBox;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  const connection = openSqliteDatabase(options.file);
  return new SqlStore({
    engine: createSqliteEngine(connection),
    secrets: options.secrets,
    writer: new SqliteWriter(options.file),
    wakeUps: new LocalWakeUps(),
    leaseLiveness: SOLE_PROCESS_LIVENESS,
    ...(options.maxGroupItems === undefined ? {} : { maxGroupItems: options.maxGroupItems }),
    closeEngine: async () => void connection.close(),
  });
}
