/**
 * What dialect-neutral store code is handed: a typed query builder over one database, the capability flags that say
 * how that database behaves, and the few things each engine does its own way (transactions, JSON updates).
 */
import type { CompiledQuery, Kysely, QueryResult, RawBuilder } from 'kysely';
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
  /**
   * Runs `work` as one write transaction on `trx` and commits when it resolves (rolls back when it rejects). `work`
   * runs queries on `trx` only, never on `db` and never awaits anything else: on SQLite the transaction holds the one
   * connection (and the write lock) until it ends, so other store calls wait for it.
   */
  transaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** `column` (a JSON object in a text column) with `key` set to the number `value`: `json_set` or `jsonb ||`. */
  jsonWithNumber(column: string, key: string, value: number): RawBuilder<string>;
  /** Releases what the engine opened itself (a pool); a connection it was handed stays its owner's. */
  close(): Promise<void>;
}
