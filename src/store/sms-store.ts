/**
 * What the SMS channel keeps: SMPP connectors (the password sealed with the store's secret box and read back only by
 * the connector pool), routes by destination prefix, and the sender ids each account may use.
 */
import type { SmsRoute } from '../domain/sms/routing.js';

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
}
