/** The embedded store: one SQLite file in WAL mode; writes of accepted messages go through group commit. */
import type { Account } from '../../domain/account.js';
import type { IdempotencyRecord } from '../../domain/idempotency.js';
import type { PhoneNumber } from '../../domain/phone-number.js';
import type { TemplateRecord } from '../../domain/template.js';
import type { SecretBox } from '../secret-box.js';
import type {
  AccountPatch, ApiKeyRecord, IdempotencyCompletion, KeyKind, MediaRecord, MediaUpload, NewAccount, NewMedia, NewPhoneNumber, PhoneNumberPatch, SendFacts, SendFactsQuery, Store,
  StoreCapabilities, StoredResponse,
} from '../store.js';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database.js';
import { SqliteCredit } from './sqlite-credit.js';
import { SqliteDeliveryQueue } from './sqlite-delivery-queue.js';
import { SqliteDispatch } from './sqlite-dispatch.js';
import { SqliteInbound } from './sqlite-inbound.js';
import { SqliteOutboxQueue } from './sqlite-outbox-queue.js';
import { SqliteWebhooks } from './sqlite-webhooks.js';
import { SqliteWriter } from './sqlite-writer.js';
import { SQLITE_CAPABILITIES, createSqliteEngine } from './sqlite-engine.js';
import { SqlAccounts } from '../sql/sql-accounts.js';
import { LocalWakeUps } from '../../runtime/wake-ups.js';
import { SqlContactChecks } from '../sql/sql-contact-checks.js';
import { SqlContactFacts } from '../sql/sql-contact-facts.js';
import { SqlControls } from '../sql/sql-controls.js';
import { SqlMedia } from '../sql/sql-media.js';
import type { SqlEngine } from '../sql/sql-engine.js';
import { SqlTemplates } from '../sql/sql-templates.js';
import { SqlIdempotency } from '../sql/sql-idempotency.js';
import { SqlMessages } from '../sql/sql-messages.js';

export interface SqliteStoreOptions {
  readonly file: string;
  readonly secrets: SecretBox;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
}

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = SQLITE_CAPABILITIES;
  private readonly db: SqliteDatabase;
  /** The shared store code's view of `db`: one for every port, so they share its prepared statements. */
  private readonly engine: SqlEngine;
  private readonly accounts: SqlAccounts;
  private readonly secrets: SecretBox;
  private readonly messages: SqlMessages;
  private readonly idempotency: SqlIdempotency;
  readonly dispatch: SqliteDispatch;
  readonly dispatchQueue: SqliteOutboxQueue;
  readonly webhooks: SqliteWebhooks;
  readonly webhookQueue: SqliteDeliveryQueue;
  readonly inbound: SqliteInbound;
  readonly controls: SqlControls;
  readonly credit: SqliteCredit;
  readonly wakeUps = new LocalWakeUps();
  readonly templates: SqlTemplates;
  readonly contactChecks: SqlContactChecks;
  private readonly media: SqlMedia;
  private readonly contacts: SqlContactFacts;

  constructor(options: SqliteStoreOptions) {
    this.db = openSqliteDatabase(options.file);
    this.engine = createSqliteEngine(this.db);
    this.secrets = options.secrets;
    this.dispatchQueue = new SqliteOutboxQueue(this.db);
    this.dispatch = new SqliteDispatch(this.db, this.secrets, this.dispatchQueue);
    // (`PRAGMA data_version` cannot tell another process's changes from the writer thread's commits, which happen all
    // the time, so the accounts' read cache keeps its time bound rather than watching the file.)
    this.accounts = new SqlAccounts(this.engine, { secrets: this.secrets });
    this.idempotency = new SqlIdempotency(this.engine);
    this.messages = new SqlMessages(this.engine, new SqliteWriter(options.file), {
      maxGroupItems: options.maxGroupItems ?? 512,
      onCommitted: (request) => {
        if (request.idempotency) this.idempotency.settled(request.idempotency);
        // A credit debit changed an account row.
        for (const item of request.items) if (item.creditCost > 0) this.accounts.forgetAccount(item.accountId);
      },
    });
    this.webhookQueue = new SqliteDeliveryQueue(this.db);
    this.webhooks = new SqliteWebhooks(this.db, this.secrets);
    this.inbound = new SqliteInbound(this.db);
    this.controls = new SqlControls(this.engine);
    // A top-up changes an account row that the cache may hold.
    this.credit = new SqliteCredit(this.db, () => this.accounts.forgetCached());
    this.templates = new SqlTemplates(this.engine);
    this.contacts = new SqlContactFacts(this.engine, this.templates);
    this.contactChecks = new SqlContactChecks(this.engine);
    this.media = new SqlMedia(this.engine);
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

  async ping(): Promise<boolean> {
    return this.messages.writable && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
  }

  async close(): Promise<void> {
    await this.messages.close();
    await this.wakeUps.close();
    this.db.close();
  }
}
