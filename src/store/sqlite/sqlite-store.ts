/**
 * The embedded store: one SQLite file in WAL mode, read and written by this process's one connection (dispatch,
 * webhooks, admin) and by the writer thread that commits accepted messages with group commit. Wake-ups stay in this
 * process: one gateway process owns the file, or a serving process and its background process share it.
 */
import { LocalWakeUps, type WakeUps } from '../../runtime/wake-ups.js';
import type { SecretBox } from '../secret-box.js';
import { SOLE_PROCESS_LIVENESS } from '../sql/lease-liveness.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Store } from '../store.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { createSqliteEngine, SHARED_SQLITE_CAPABILITIES, SQLITE_CAPABILITIES } from './sqlite-engine.js';
import { SqliteWriter } from './sqlite-writer.js';

export interface SqliteStoreOptions {
  readonly file: string;
  readonly secrets: SecretBox;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
  /**
   * Wake-ups shared with the one partner process that uses the file too (the serving process and its background
   * process): the store then mirrors nothing in memory. Only one of the two runs background work, so leases keep the
   * sole-process rule (runtime/background-lock.ts makes sure of it).
   */
  readonly partner?: WakeUps;
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  const connection = openSqliteDatabase(options.file);
  return new SqlStore({
    engine: createSqliteEngine(connection, options.partner ? SHARED_SQLITE_CAPABILITIES : SQLITE_CAPABILITIES),
    secrets: options.secrets,
    writer: new SqliteWriter(options.file),
    wakeUps: options.partner ?? new LocalWakeUps(),
    leaseLiveness: SOLE_PROCESS_LIVENESS,
    ...(options.maxGroupItems === undefined ? {} : { maxGroupItems: options.maxGroupItems }),
    closeEngine: async () => void connection.close(),
  });
}
