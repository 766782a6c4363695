/**
 * The port through which accepted messages are committed: one group of requests per transaction, answered once the
 * commit is durable. SQLite runs it on a writer thread (sqlite-writer.ts), PostgreSQL in-process (sql-accept-writer.ts);
 * both run the one accept transaction of sql-accept.ts. Requests and outcomes are plain data so they can cross a thread.
 */
import type { GatewayCode } from '../../catalog/entries/gateway.js';
import type { NewEvent } from '../../domain/events.js';
import type { AcceptItem, StoredResponse } from '../store.js';

/** One message to accept, its ids already chosen and its accepted event built by the domain's builder. */
export interface AcceptRow extends AcceptItem {
  readonly id: string;
  readonly jobId: string;
  readonly acceptedEventId: string;
  readonly acceptedEvent: NewEvent;
}

export interface AcceptRequest {
  readonly now: number;
  readonly messages: readonly AcceptRow[];
  readonly idempotency?: { readonly accountId: string; readonly key: string; readonly requestHash: string };
}

/** A refusal as plain data; the catalog entry is found again by its code. */
export interface RefusalData {
  readonly code: GatewayCode;
  readonly detail?: string;
  readonly retryAfterSeconds?: number;
}

export type ItemOutcome = { readonly kind: 'accepted' } | { readonly kind: 'refused'; readonly refusal: RefusalData };
export type RequestOutcome =
  | { readonly kind: 'decided'; readonly items: readonly ItemOutcome[] }
  /** Another request stored an outcome under this Idempotency-Key first: nothing of this request was written. */
  | { readonly kind: 'idempotency_taken' };

/** A request of a group and, for an idempotent one, how its stored response is built from the decided items. */
export interface AcceptJob {
  readonly request: AcceptRequest;
  readonly respond?: (items: readonly ItemOutcome[]) => StoredResponse;
}

export interface AcceptWriter {
  /** Commits every request of the group in one transaction; resolves with their outcomes, in order, once durable. */
  commit(jobs: readonly AcceptJob[]): Promise<RequestOutcome[]>;
  /** False once the writer cannot commit any more (its thread died): readiness must fail. */
  readonly alive: boolean;
  close(): Promise<void>;
}
