/**
 * What the SMS channel keeps: SMPP connectors (the password sealed with the store's secret box and read back only by
 * the connector pool), routes by destination prefix, and the sender ids each account may use.
 */
import type { CatalogEntry } from '../catalog/entry.js';
import type { ReceiptOutcome } from '../domain/sms/receipt.js';
import type { SmsRoute } from '../domain/sms/routing.js';
import type { ClaimRequest } from '../runtime/job-queue.js';
import type { DispatchJob } from './dispatch-store.js';

export interface SmsConnectorRecord {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly systemType: string;
  readonly throughputPerSecond: number;
  readonly window: number;
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewSmsConnector {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly systemType?: string;
  readonly throughputPerSecond: number;
  readonly window: number;
  readonly enabled?: boolean;
}
export type SmsConnectorPatch = Partial<NewSmsConnector>;

export interface SmsRouteRecord extends SmsRoute {
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewSmsRoute {
  readonly prefix: string;
  readonly connectorId: string;
  readonly accountIds: readonly string[] | null;
}

export type SmsRouteWrite =
  | { readonly kind: 'stored'; readonly route: SmsRouteRecord }
  /** Another route already has this prefix. */
  | { readonly kind: 'prefix-taken'; readonly routeId: string }
  | { readonly kind: 'no-connector' };

/**
 * What a receipt did: moved its message (or found it already final), waits for other segments, went again (`retried`),
 * or names no SMS of ours (yet: its message is not settled as sent).
 */
export type SmsReceiptResult = 'applied' | 'pending' | 'unknown' | 'retried';

/**
 * When an SMS whose receipt failed with `entry` goes again, after `attempts` submits since `firstAttemptAt`; null = it
 * fails. The retry policy's answer, handed to the store.
 */
export type SmsRetryRule = (entry: CatalogEntry, attempts: number, firstAttemptAt: number) => number | null;

export type ConnectorDeletion = 'deleted' | 'not-found' | 'in-use';

export interface SmsStore {
  createConnector(input: NewSmsConnector, now: number): Promise<SmsConnectorRecord>;
  getConnector(id: string): Promise<SmsConnectorRecord | undefined>;
  listConnectors(): Promise<SmsConnectorRecord[]>;
  updateConnector(id: string, patch: SmsConnectorPatch, now: number): Promise<SmsConnectorRecord | undefined>;
  /** Refuses (`in-use`) while a route still names the connector. */
  deleteConnector(id: string): Promise<ConnectorDeletion>;
  /** The decrypted SMPP password, for the connector pool only. */
  connectorPassword(id: string): Promise<string | undefined>;

  createRoute(input: NewSmsRoute, now: number): Promise<SmsRouteWrite>;
  listRoutes(): Promise<SmsRouteRecord[]>;
  deleteRoute(id: string): Promise<boolean>;

  /** Adds a sender id the account may use (idempotent). */
  addSenderId(accountId: string, senderId: string, now: number): Promise<void>;
  listSenderIds(accountId: string): Promise<string[]>;
  removeSenderId(accountId: string, senderId: string): Promise<boolean>;

  /** Leases due SMS jobs (outbox rows whose number_id is an enabled connector); the dispatch store loads and settles them. */
  claimSmsJobs(request: ClaimRequest): Promise<DispatchJob[]>;
  /** The SMS centre's ids of a message's segments, in order, kept before the message is settled as sent. */
  recordSmsSubmits(messageId: string, connectorId: string, smscMessageIds: readonly string[], now: number): Promise<void>;
  /** `retryAt`: when a failed SMS goes again (absent = it fails). */
  applySmsReceipt(connectorId: string, smscMessageId: string, outcome: ReceiptOutcome, now: number, retryAt?: SmsRetryRule): Promise<SmsReceiptResult>;
}
