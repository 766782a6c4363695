/** The SMS channel's configuration, written once for every engine (see sms-store.ts). */
import type { Selectable, Updateable } from 'kysely';
import { newId } from '../ids.js';
import type { SecretBox } from '../secret-box.js';
import type {
  ConnectorDeletion, NewSmsConnector, NewSmsRoute, SmsConnectorPatch, SmsConnectorRecord, SmsRouteRecord, SmsReceiptResult, SmsRetryRule, SmsRouteWrite, SmsStore,
} from '../sms-store.js';
import type { SmsConnectorsTable, SmsRoutesTable } from './schema.js';
import type { SqlEngine } from './sql-engine.js';
import { applySmsReceipt, claimSmsJobs, recordSmsSubmits } from './sql-sms-messages.js';
import type { ReceiptOutcome } from '../../domain/sms/receipt.js';
import type { ClaimRequest } from '../../runtime/job-queue.js';
import type { DispatchJob } from '../dispatch-store.js';

function toConnector(r: Selectable<SmsConnectorsTable>): SmsConnectorRecord {
  return {
    id: r.id, name: r.name, host: r.host, port: r.port, systemId: r.system_id, systemType: r.system_type,
    throughputPerSecond: r.throughput_per_second, window: r.window_size, enabled: r.enabled === 1, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toRoute(r: Selectable<SmsRoutesTable>): SmsRouteRecord {
  return {
    id: r.id, prefix: r.prefix, connectorId: r.connector_id, accountIds: r.account_ids === null ? null : (JSON.parse(r.account_ids) as string[]),
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export class SqlSms implements SmsStore {
  constructor(private readonly engine: SqlEngine, private readonly secrets: SecretBox) {}

  private get db() {
    return this.engine.db;
  }

  async createConnector(input: NewSmsConnector, now: number): Promise<SmsConnectorRecord> {
    const row = await this.db.insertInto('sms_connectors').values({
      id: newId('smsc', now), name: input.name, host: input.host, port: input.port, system_id: input.systemId,
      password_sealed: this.secrets.seal(input.password), system_type: input.systemType ?? '',
      throughput_per_second: input.throughputPerSecond, window_size: input.window, enabled: input.enabled === false ? 0 : 1,
      created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    return toConnector(row);
  }

  async getConnector(id: string): Promise<SmsConnectorRecord | undefined> {
    const row = await this.db.selectFrom('sms_connectors').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toConnector(row);
  }

  async listConnectors(): Promise<SmsConnectorRecord[]> {
    return (await this.db.selectFrom('sms_connectors').selectAll().orderBy('id').execute()).map(toConnector);
  }

  async updateConnector(id: string, patch: SmsConnectorPatch, now: number): Promise<SmsConnectorRecord | undefined> {
    const set: Updateable<SmsConnectorsTable> = { updated_at: now };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.host !== undefined) set.host = patch.host;
    if (patch.port !== undefined) set.port = patch.port;
    if (patch.systemId !== undefined) set.system_id = patch.systemId;
    if (patch.password !== undefined) set.password_sealed = this.secrets.seal(patch.password);
    if (patch.systemType !== undefined) set.system_type = patch.systemType;
    if (patch.throughputPerSecond !== undefined) set.throughput_per_second = patch.throughputPerSecond;
    if (patch.window !== undefined) set.window_size = patch.window;
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    const row = await this.db.updateTable('sms_connectors').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return row && toConnector(row);
  }

  async deleteConnector(id: string): Promise<ConnectorDeletion> {
    return this.engine.transaction(async (trx) => {
      const route = await trx.selectFrom('sms_routes').select('id').where('connector_id', '=', id).executeTakeFirst();
      if (route !== undefined) return 'in-use';
      const deleted = await trx.deleteFrom('sms_connectors').where('id', '=', id).executeTakeFirst();
      return deleted.numDeletedRows > 0n ? 'deleted' : 'not-found';
    });
  }

  async connectorPassword(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('sms_connectors').select('password_sealed').where('id', '=', id).executeTakeFirst();
    return row && this.secrets.open(row.password_sealed);
  }

  async createRoute(input: NewSmsRoute, now: number): Promise<SmsRouteWrite> {
    return this.engine.transaction(async (trx) => {
      const connector = await trx.selectFrom('sms_connectors').select('id').where('id', '=', input.connectorId).executeTakeFirst();
      if (connector === undefined) return { kind: 'no-connector' };
      const taken = await trx.selectFrom('sms_routes').select('id').where('prefix', '=', input.prefix).executeTakeFirst();
      if (taken !== undefined) return { kind: 'prefix-taken', routeId: taken.id };
      const row = await trx.insertInto('sms_routes').values({
        id: newId('smsr', now), prefix: input.prefix, connector_id: input.connectorId,
        account_ids: input.accountIds === null ? null : JSON.stringify(input.accountIds), created_at: now, updated_at: now,
      }).returningAll().executeTakeFirstOrThrow();
      return { kind: 'stored', route: toRoute(row) };
    });
  }

  async listRoutes(): Promise<SmsRouteRecord[]> {
    return (await this.db.selectFrom('sms_routes').selectAll().orderBy('prefix').execute()).map(toRoute);
  }

  async deleteRoute(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('sms_routes').where('id', '=', id).executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  async addSenderId(accountId: string, senderId: string, now: number): Promise<void> {
    await this.db.insertInto('sms_sender_ids').values({ account_id: accountId, sender_id: senderId, created_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'sender_id']).doNothing()).execute();
  }

  async listSenderIds(accountId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('sms_sender_ids').select('sender_id').where('account_id', '=', accountId).orderBy('sender_id').execute();
    return rows.map((r) => r.sender_id);
  }

  async removeSenderId(accountId: string, senderId: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('sms_sender_ids').where('account_id', '=', accountId).where('sender_id', '=', senderId).executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  claimSmsJobs(request: ClaimRequest): Promise<DispatchJob[]> {
    return claimSmsJobs(this.engine, request);
  }

  recordSmsSubmits(messageId: string, connectorId: string, smscMessageIds: readonly string[], now: number): Promise<void> {
    return recordSmsSubmits(this.engine, messageId, connectorId, smscMessageIds, now);
  }

  applySmsReceipt(connectorId: string, smscMessageId: string, outcome: ReceiptOutcome, now: number, retryAt?: SmsRetryRule): Promise<SmsReceiptResult> {
    return applySmsReceipt(this.engine, connectorId, smscMessageId, outcome, now, retryAt);
  }
}
