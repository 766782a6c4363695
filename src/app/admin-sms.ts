/**
 * Admin operations on the SMS channel, as the admin API and the CLI both perform them: connectors (SMPP credentials
 * and limits), routes by destination prefix, and the sender ids each account may use.
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import { isRoutePrefix } from '../domain/sms/routing.js';
import { parseSenderId } from '../domain/sms/sender-id.js';
import type { NewSmsConnector, SmsConnectorPatch, SmsConnectorRecord, SmsRouteRecord } from '../store/sms-store.js';
import type { Store } from '../store/store.js';
import { definedFields, enforce } from './checks.js';
import { requireAccount } from './admin-lookups.js';

/** What an operator sets on a connector; undefined leaves a field as it is. */
export type ConnectorChanges = SmsConnectorPatch;

/** SMPP 3.4 field sizes (C-octet strings, the terminating NUL not counted) and our own sane ranges. */
const TEXT_LIMITS = { name: [1, 100], host: [1, 255], systemId: [1, 15], password: [1, 8], systemType: [0, 12] } as const;
const NUMBER_LIMITS = { port: [1, 65_535], throughputPerSecond: [1, 10_000], window: [1, 1_000] } as const;
const FIELD_NAMES: Readonly<Record<string, string>> = { systemId: 'system_id', systemType: 'system_type', throughputPerSecond: 'throughput_per_second' };

function invalid(field: string, detail: string): never {
  throw gatewayError('invalid_request', { detail, field: FIELD_NAMES[field] ?? field });
}

function checkConnector(changes: ConnectorChanges): ConnectorChanges {
  for (const [field, [min, max]] of Object.entries(TEXT_LIMITS)) {
    const value = changes[field as keyof typeof TEXT_LIMITS];
    if (value !== undefined && (value.length < min || value.length > max)) invalid(field, `\`${FIELD_NAMES[field] ?? field}\` must have ${min} to ${max} characters.`);
  }
  for (const [field, [min, max]] of Object.entries(NUMBER_LIMITS)) {
    const value = changes[field as keyof typeof NUMBER_LIMITS];
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) invalid(field, `\`${FIELD_NAMES[field] ?? field}\` must be a whole number from ${min} to ${max}.`);
  }
  return definedFields<ConnectorChanges>({ ...changes });
}

export async function addConnector(store: Store, request: NewSmsConnector, now: number): Promise<SmsConnectorRecord> {
  return store.sms.createConnector(checkConnector(request) as NewSmsConnector, now);
}

export function listConnectors(store: Store): Promise<SmsConnectorRecord[]> {
  return store.sms.listConnectors();
}

export async function readConnector(store: Store, id: string): Promise<SmsConnectorRecord> {
  const connector = await store.sms.getConnector(id);
  if (!connector) throw gatewayError('not_found', { detail: `No SMS connector ${id}.` });
  return connector;
}

export async function updateConnector(store: Store, id: string, changes: ConnectorChanges, now: number): Promise<SmsConnectorRecord> {
  const updated = await store.sms.updateConnector(id, checkConnector(changes), now);
  if (!updated) throw gatewayError('not_found', { detail: `No SMS connector ${id}.` });
  return updated;
}

export async function removeConnector(store: Store, id: string): Promise<{ id: string }> {
  const outcome = await store.sms.deleteConnector(id);
  if (outcome === 'not-found') throw gatewayError('not_found', { detail: `No SMS connector ${id}.` });
  if (outcome === 'in-use') throw gatewayError('conflict', { detail: `Routes still send through ${id}; remove or move them first.` });
  return { id };
}

export interface RouteRequest {
  /** Digits the destination starts with; '' = the default route. */
  readonly prefix: string;
  readonly connectorId: string;
  /** Accounts that may use the route; null or undefined = every account. */
  readonly accountIds?: readonly string[] | null;
}

export async function addRoute(store: Store, request: RouteRequest, now: number): Promise<SmsRouteRecord> {
  const prefix = request.prefix.replace(/^\+/, '');
  if (!isRoutePrefix(prefix)) invalid('prefix', '`prefix` is up to 15 digits the destination starts with (country code first), or "" for the default route.');
  for (const accountId of request.accountIds ?? []) await requireAccount(store, accountId, 'account_ids');
  const write = await store.sms.createRoute({ prefix, connectorId: request.connectorId, accountIds: request.accountIds ?? null }, now);
  if (write.kind === 'no-connector') throw gatewayError('not_found', { detail: `No SMS connector ${request.connectorId}.`, field: 'connector_id' });
  if (write.kind === 'prefix-taken') throw gatewayError('conflict', { detail: `Route ${write.routeId} already serves the prefix "${prefix}".`, field: 'prefix' });
  return write.route;
}

export function listRoutes(store: Store): Promise<SmsRouteRecord[]> {
  return store.sms.listRoutes();
}

export async function removeRoute(store: Store, id: string): Promise<{ id: string }> {
  if (!(await store.sms.deleteRoute(id))) throw gatewayError('not_found', { detail: `No SMS route ${id}.` });
  return { id };
}

/** Stores the sender id as parsed (a numeric one without its +), after the same checks a send applies (seed codes 12, 13). */
export async function addSenderId(store: Store, accountId: string, senderId: string, now: number): Promise<string> {
  await requireAccount(store, accountId);
  const parsed = parseSenderId(senderId);
  enforce(parsed);
  const value = parsed.kind === 'allow' ? parsed.sender.value : senderId;
  await store.sms.addSenderId(accountId, value, now);
  return value;
}

export async function listSenderIds(store: Store, accountId: string): Promise<string[]> {
  await requireAccount(store, accountId);
  return store.sms.listSenderIds(accountId);
}

export async function removeSenderId(store: Store, accountId: string, senderId: string): Promise<{ account_id: string; sender_id: string }> {
  const parsed = parseSenderId(senderId);
  const value = parsed.kind === 'allow' ? parsed.sender.value : senderId;
  if (!(await store.sms.removeSenderId(accountId, value))) throw gatewayError('not_found', { detail: `Account ${accountId} has no sender id "${value}".` });
  return { account_id: accountId, sender_id: value };
}
