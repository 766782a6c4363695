/**
 * What dialect-neutral store code is handed: a typed query builder over one database, the capability flags that say
 * how that database behaves, and the one thing each engine does its own way, running statements atomically.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { StoreCapabilities } from '../store.js';
import type { Database } from './schema.js';

export interface SqlEngine {
  readonly db: Kysely<Database>;
  readonly capabilities: StoreCapabilities;
  /**
   * Runs independent statements in order as one transaction with nothing else in between, and answers each one's
   * result. The statements cannot read each other's results: a decision that needs a read belongs in the statement.
   */
  runAtomically(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]>;
  /** Releases what the engine opened itself (a pool); a connection it was handed stays its owner's. */
  close(): Promise<void>;
}
