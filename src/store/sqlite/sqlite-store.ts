/** The embedded store: one SQLite file in WAL mode; writes of accepted messages go through group commit. */
import type { Account } from '../../domain/account.js';
import { IDEMPOTENCY_TTL_MS, type IdempotencyRecord } from '../../domain/idempotency.js';
import type { PhoneNumber } from '../../domain/phone-number.js';
import type { TemplateRecord } from '../../domain/template.js';
import type { SecretBox } from '../secret-box.js';
import type {
  AccountPatch, ApiKeyRecord, IdempotencyCompletion, KeyKind, MediaRecord, MediaUpload, NewAccount, NewMedia, NewPhoneNumber, PhoneNumberPatch, SendFacts, SendFactsQuery, Store,
  StoreCapabilities, StoredResponse,
} from '../store.js';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database.js';
import { SqliteContactFacts } from './sqlite-contact-facts.js';
import { SqliteContacts } from './sqlite-contacts.js';
import { SqliteControls } from './sqlite-controls.js';
import { SqliteCredit } from './sqlite-credit.js';
import { SqliteDispatch } from './sqlite-dispatch.js';
import { SqliteInbound } from './sqlite-inbound.js';
import { SqliteMedia } from './sqlite-media.js';
import { SqliteMessages } from './sqlite-messages.js';
import { SqliteOutboxQueue } from './sqlite-outbox-queue.js';
import { SqliteTemplates } from './sqlite-templates.js';
import { SQLITE_CAPABILITIES, createSqliteEngine } from './sqlite-engine.js';
import { SqlAccounts } from '../sql/sql-accounts.js';
import { SqlDeliveryQueue } from '../sql/sql-delivery-queue.js';
import type { SqlEngine } from '../sql/sql-engine.js';
import { SqlWebhooks } from '../sql/sql-webhooks.js';

export interface SqliteStoreOptions {
  readonly file: string;
  readonly secrets: SecretBox;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
}

function key(accountId: string, idempotencyKey: string): string {
  return `${accountId}\n${idempotencyKey}`;
}

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = SQLITE_CAPABILITIES;
  private readonly db: SqliteDatabase;
  private readonly engine: SqlEngine;
  private readonly accounts: SqlAccounts;
  private readonly secrets: SecretBox;
  private readonly messages: SqliteMessages;
  readonly dispatch: SqliteDispatch;
  readonly dispatchQueue: SqliteOutboxQueue;
  readonly webhooks: SqlWebhooks;
  readonly webhookQueue: SqlDeliveryQueue;
  readonly inbound: SqliteInbound;
  readonly controls: SqliteControls;
  readonly credit: SqliteCredit;
  readonly templates: SqliteTemplates;
  readonly contactChecks: SqliteContacts;
  private readonly media: SqliteMedia;
  private readonly contacts: SqliteContactFacts;
  /**
   * Idempotency claims still in flight: a fast early answer to a concurrent duplicate. One process owns a SQLite
   * file, so memory sees every claim; the truth is the accept transaction's conditional write of the outcome.
   */
  private readonly inFlight = new Map<string, IdempotencyRecord>();
  private readonly stmts;

  constructor(options: SqliteStoreOptions) {
    this.db = openSqliteDatabase(options.file);
    this.engine = createSqliteEngine(this.db);
    this.secrets = options.secrets;
    this.dispatchQueue = new SqliteOutboxQueue(this.db);
    this.dispatch = new SqliteDispatch(this.db, this.secrets, this.dispatchQueue);
    // (`PRAGMA data_version` cannot tell another process's changes from the writer thread's commits, which happen all
    // the time, so the accounts' read cache keeps its time bound rather than watching the file.)
    this.accounts = new SqlAccounts(this.engine, { secrets: this.secrets });
    this.messages = new SqliteMessages(this.db, {
      file: options.file,
      maxGroupItems: options.maxGroupItems ?? 512,
      singleWriter: this.capabilities.singleWriter,
      onCommitted: (request) => {
        if (request.idempotency) this.inFlight.delete(key(request.idempotency.accountId, request.idempotency.key));
        // A credit debit changed an account row.
        for (const item of request.items) if (item.creditCost > 0) this.accounts.forgetAccount(item.accountId);
      },
    });
    this.contacts = new SqliteContactFacts(this.db, Date.now());
    this.webhookQueue = new SqlDeliveryQueue(this.engine);
    this.webhooks = new SqlWebhooks(this.engine, { secrets: this.secrets });
    this.inbound = new SqliteInbound(this.db);
    this.controls = new SqliteControls(this.db);
    // A top-up changes an account row that the cache may hold.
    this.credit = new SqliteCredit(this.db, () => this.accounts.forgetCached());
    this.templates = new SqliteTemplates(this.db);
    this.contactChecks = new SqliteContacts(this.db);
    this.media = new SqliteMedia(this.db);
    const db = this.db;
    this.stmts = {
      idempotency: db.prepare('SELECT request_hash, status_code, body, created_at FROM idempotency_keys WHERE account_id = ? AND idempotency_key = ?'),
    };
    // Keys are kept 24 h: expired rows are ignored on read, and the retention pruner deletes them.
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

  async getMessage(accountId: string, id: string) {
    return this.messages.get(accountId, id);
  }

  async listMessages(...args: Parameters<Store['listMessages']>) {
    return this.messages.list(...args);
  }

  async claimIdempotencyKey(accountId: string, idempotencyKey: string, requestHash: string, now: number): Promise<IdempotencyRecord | undefined> {
    const row = this.stmts.idempotency.get(accountId, idempotencyKey) as
      | { request_hash: string; status_code: number; body: string; created_at: number }
      | undefined;
    if (row && now - row.created_at < IDEMPOTENCY_TTL_MS) return { requestHash: row.request_hash, state: 'done', statusCode: row.status_code, body: JSON.parse(row.body), createdAt: row.created_at };
    const held = this.inFlight.get(key(accountId, idempotencyKey));
    if (held) return held;
    this.inFlight.set(key(accountId, idempotencyKey), { requestHash, state: 'in_progress', createdAt: now });
    return undefined;
  }

  async releaseIdempotencyKey(accountId: string, idempotencyKey: string): Promise<void> {
    this.inFlight.delete(key(accountId, idempotencyKey));
  }

  async completeIdempotencyKey(c: Omit<IdempotencyCompletion, 'respond'>, response: StoredResponse, now: number): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO idempotency_keys (account_id, idempotency_key, request_hash, status_code, body, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.accountId, c.key, c.requestHash, response.statusCode, JSON.stringify(response.body), now);
    this.inFlight.delete(key(c.accountId, c.key));
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
    return this.contacts.upsertTemplate(t);
  }
  findTemplate(wabaId: string, name: string, language: string): Promise<TemplateRecord | undefined> {
    return this.contacts.findTemplate(wabaId, name, language);
  }
  hasTemplates(wabaId: string): Promise<boolean> {
    return this.contacts.hasTemplates(wabaId);
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
    this.db.close();
  }
}
