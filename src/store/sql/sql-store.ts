/**
 * The store, written once for every engine: each port's shared implementation over the engine it is handed, the
 * accept writer that commits accepted messages (a writer thread, or in-process) and the wake-ups that reach as far as
 * the engine does. An engine folder opens these and hands them over (sqlite/sqlite-store.ts, postgres/postgres-store.ts).
 */
import { sql } from 'kysely';
import type { Account } from '../../domain/account.js';
import type { IdempotencyRecord } from '../../domain/idempotency.js';
import type { PhoneNumber } from '../../domain/phone-number.js';
import type { TemplateRecord } from '../../domain/template.js';
import type { WakeUps } from '../../runtime/wake-ups.js';
import type { SecretBox } from '../secret-box.js';
import type {
  AccountPatch, ApiKeyRecord, IdempotencyCompletion, KeyKind, MediaRecord, MediaUpload, NewAccount, NewMedia, NewPhoneNumber, PhoneNumberPatch, SendFacts, SendFactsQuery, Store,
  StoreCapabilities, StoredResponse,
} from '../store.js';
import type { AcceptWriter } from './accept-writer.js';
import type { LeaseLiveness } from './lease-liveness.js';
import { SqlAccounts } from './sql-accounts.js';
import { SqlContactChecks } from './sql-contact-checks.js';
import { contactIdentityStore, SqlContactFacts } from './sql-contact-facts.js';
import type { ContactIdentityStore } from '../identity-store.js';
import { SqlControls } from './sql-controls.js';
import { SqlCredit } from './sql-credit.js';
import { SqlDeliveryQueue } from './sql-delivery-queue.js';
import { SqlCancel } from './sql-cancel.js';
import { SqlDispatch } from './sql-dispatch.js';
import type { SqlEngine } from './sql-engine.js';
import { SqlHealth } from './sql-health.js';
import { SqlIdempotency } from './sql-idempotency.js';
import { SqlInbound } from './sql-inbound.js';
import { SqlMedia } from './sql-media.js';
import { SqlMessages } from './sql-messages.js';
import { SqlOutboxQueue } from './sql-outbox-queue.js';
import { SqlTemplates } from './sql-templates.js';
import { SqlWebhooks } from './sql-webhooks.js';
import { SqlGauges } from './sql-gauges.js';
import { SqlDashboardReads } from './sql-dashboard-reads.js';
import { SqlSms } from './sql-sms.js';
import { SqlFailover } from './sql-failover.js';

export interface SqlStoreParts {
  readonly engine: SqlEngine;
  readonly secrets: SecretBox;
  readonly writer: AcceptWriter;
  readonly wakeUps: WakeUps;
  /** How the queues tell leases of workers whose process died. */
  readonly leaseLiveness: LeaseLiveness;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
  /** Serialises `Store.exclusively` across the processes sharing the database; absent = one process owns it. */
  readonly exclusively?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Closes what the engine folder opened (its connection or pool), once the store's own parts are closed. */
  readonly closeEngine: () => Promise<void>;
}

export class SqlStore implements Store {
  readonly capabilities: StoreCapabilities;
  readonly wakeUps: WakeUps;
  readonly dispatch: SqlDispatch;
  readonly dispatchQueue: SqlOutboxQueue;
  readonly webhooks: SqlWebhooks;
  readonly webhookQueue: SqlDeliveryQueue;
  readonly inbound: SqlInbound;
  readonly controls: SqlControls;
  readonly credit: SqlCredit;
  readonly templates: SqlTemplates;
  readonly contactChecks: SqlContactChecks;
  readonly identities: ContactIdentityStore;
  readonly gauges: SqlGauges;
  readonly health: SqlHealth;
  readonly dashboard: SqlDashboardReads;
  readonly sms: SqlSms;
  readonly failover: SqlFailover;
  private readonly engine: SqlEngine;
  private readonly accounts: SqlAccounts;
  private readonly messages: SqlMessages;
  private readonly cancels: SqlCancel;
  private readonly idempotency: SqlIdempotency;
  private readonly media: SqlMedia;
  private readonly contacts: SqlContactFacts;
  private readonly closeEngine: () => Promise<void>;
  private readonly runExclusively: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(parts: SqlStoreParts) {
    const { engine, secrets } = parts;
    this.engine = engine;
    this.capabilities = engine.capabilities;
    this.wakeUps = parts.wakeUps;
    this.closeEngine = parts.closeEngine;
    this.runExclusively = parts.exclusively ?? ((work) => work());
    this.accounts = new SqlAccounts(engine, { secrets });
    this.idempotency = new SqlIdempotency(engine);
    this.messages = new SqlMessages(engine, parts.writer, {
      maxGroupItems: parts.maxGroupItems ?? 512,
      onCommitted: (request) => {
        if (request.idempotency) this.idempotency.settled(request.idempotency);
        // A credit debit changed an account row.
        for (const item of request.items) if (item.creditCost > 0) this.accounts.forgetAccount(item.accountId);
      },
    });
    this.dispatchQueue = new SqlOutboxQueue(engine, parts.leaseLiveness);
    this.dispatch = new SqlDispatch(engine, secrets);
    this.cancels = new SqlCancel(engine);
    this.inbound = new SqlInbound(engine);
    this.webhookQueue = new SqlDeliveryQueue(engine, parts.leaseLiveness);
    this.webhooks = new SqlWebhooks(engine, { secrets });
    this.controls = new SqlControls(engine);
    // A top-up changes an account row that the cache may hold.
    this.credit = new SqlCredit(engine, () => this.accounts.forgetCached());
    this.templates = new SqlTemplates(engine);
    this.health = new SqlHealth(engine, () => this.accounts.forgetCached(), (id) => this.accounts.forgetAccount(id));
    this.contacts = new SqlContactFacts(engine, this.templates);
    this.identities = contactIdentityStore(this.contacts);
    this.contactChecks = new SqlContactChecks(engine);
    this.media = new SqlMedia(engine);
    this.gauges = new SqlGauges(engine);
    this.dashboard = new SqlDashboardReads(engine);
    this.sms = new SqlSms(engine, secrets);
    this.failover = new SqlFailover(engine);
  }

  createAccount(input: NewAccount, now: number): Promise<Account> {
    return this.accounts.createAccount(input, now);
  }
  getAccount(id: string): Promise<Account | undefined> {
    return this.accounts.getAccount(id);
  }
  listAccounts(): Promise<Account[]> {
    return this.accounts.listAccounts();
  }
  updateAccount(id: string, patch: AccountPatch, now: number): Promise<Account | undefined> {
    return this.accounts.updateAccount(id, patch, now);
  }
  createKey(...args: Parameters<Store['createKey']>): ReturnType<Store['createKey']> {
    return this.accounts.createKey(...args);
  }
  findKeyByHash(secretHash: string): ReturnType<Store['findKeyByHash']> {
    return this.accounts.findKeyByHash(secretHash);
  }
  listKeys(filter: { accountId?: string; kind?: KeyKind }): Promise<ApiKeyRecord[]> {
    return this.accounts.listKeys(filter);
  }
  revokeKey(id: string, now: number): Promise<ApiKeyRecord | undefined> {
    return this.accounts.revokeKey(id, now);
  }
  countActiveKeys(kind: KeyKind): Promise<number> {
    return this.accounts.countActiveKeys(kind);
  }
  createNumber(input: NewPhoneNumber, now: number): Promise<PhoneNumber> {
    return this.accounts.createNumber(input, now);
  }
  getNumber(id: string): Promise<PhoneNumber | undefined> {
    return this.accounts.getNumber(id);
  }
  findNumber(ref: string): Promise<PhoneNumber | undefined> {
    return this.accounts.findNumber(ref);
  }
  listNumbers(filter: { accountId?: string }): Promise<PhoneNumber[]> {
    return this.accounts.listNumbers(filter);
  }
  updateNumber(id: string, patch: PhoneNumberPatch, now: number): Promise<PhoneNumber | undefined> {
    return this.accounts.updateNumber(id, patch, now);
  }
  deleteNumber(id: string): Promise<boolean> {
    return this.accounts.deleteNumber(id);
  }
  getAccessToken(numberId: string): Promise<string | undefined> {
    return this.accounts.getAccessToken(numberId);
  }

  acceptMessages(...args: Parameters<Store['acceptMessages']>): ReturnType<Store['acceptMessages']> {
    return this.messages.accept(args[0], args[1], args[2]);
  }

  getMessage(accountId: string, id: string) {
    return this.messages.get(accountId, id);
  }

  listMessages(...args: Parameters<Store['listMessages']>) {
    return this.messages.list(...args);
  }

  // A refund changed an account row that the cache may hold.
  async cancelMessage(accountId: string, id: string, now: number) {
    const outcome = await this.cancels.cancelMessage(accountId, id, now);
    this.accounts.forgetAccount(accountId);
    return outcome;
  }

  async cancelByClientRef(accountId: string, clientRef: string, now: number) {
    const outcome = await this.cancels.cancelByClientRef(accountId, clientRef, now);
    this.accounts.forgetAccount(accountId);
    return outcome;
  }

  claimIdempotencyKey(accountId: string, idempotencyKey: string, requestHash: string, now: number): Promise<IdempotencyRecord | undefined> {
    return this.idempotency.claim(accountId, idempotencyKey, requestHash, now);
  }

  releaseIdempotencyKey(accountId: string, idempotencyKey: string): Promise<void> {
    return this.idempotency.release(accountId, idempotencyKey);
  }

  completeIdempotencyKey(c: Omit<IdempotencyCompletion, 'respond'>, response: StoredResponse, now: number): Promise<void> {
    return this.idempotency.complete(c, response, now);
  }

  getSendFacts(q: SendFactsQuery): Promise<SendFacts> {
    return this.contacts.getSendFacts(q);
  }
  recordOptOut(accountId: string, waId: string, now: number): Promise<void> {
    return this.contacts.recordOptOut(accountId, waId, now);
  }
  removeOptOut(accountId: string, waId: string): Promise<boolean> {
    return this.contacts.removeOptOut(accountId, waId);
  }
  listOptOuts(accountId: string): Promise<{ waId: string; optedOutAt: number }[]> {
    return this.contacts.listOptOuts(accountId);
  }
  getOptOut(accountId: string, waId: string): Promise<number | null> {
    return this.contacts.getOptOut(accountId, waId);
  }
  recordInbound(numberId: string, waId: string, at: number): Promise<void> {
    return this.contacts.recordInbound(numberId, waId, at);
  }
  getLastInbound(numberId: string, waId: string): Promise<number | null> {
    return this.contacts.getLastInbound(numberId, waId);
  }
  upsertTemplate(t: TemplateRecord): Promise<void> {
    return this.templates.upsertTemplate(t);
  }
  findTemplate(wabaId: string, name: string, language: string): Promise<TemplateRecord | undefined> {
    return this.templates.findTemplate(wabaId, name, language);
  }
  hasTemplates(wabaId: string): Promise<boolean> {
    return this.templates.hasTemplates(wabaId);
  }

  beginMedia(input: NewMedia, now: number): Promise<MediaUpload> {
    return this.media.beginMedia(input, now);
  }
  mediaBytesStored(accountId: string): Promise<number> {
    return this.media.mediaBytesStored(accountId);
  }
  getMedia(accountId: string, id: string): Promise<MediaRecord | undefined> {
    return this.media.getMedia(accountId, id);
  }
  deleteMedia(accountId: string, id: string): Promise<boolean> {
    return this.media.deleteMedia(accountId, id);
  }

  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return this.runExclusively(work);
  }

  async ping(): Promise<boolean> {
    if (!this.messages.writable) return false;
    const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(this.engine.db);
    return rows.length === 1;
  }

  async close(): Promise<void> {
    await this.messages.close();
    await this.wakeUps.close();
    await this.engine.close();
    await this.closeEngine();
  }
}
