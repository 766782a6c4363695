/** The embedded store: one SQLite file in WAL mode; writes of accepted messages go through group commit. */
import type { Account } from '../../domain/account.js';
import { IDEMPOTENCY_TTL_MS, type IdempotencyRecord } from '../../domain/idempotency.js';
import type { PhoneNumber } from '../../domain/phone-number.js';
import type { TemplateRecord } from '../../domain/template.js';
import { newId } from '../ids.js';
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
import { SqliteTemplates } from './sqlite-templates.js';
import { SqliteWebhooks } from './sqlite-webhooks.js';
import {
  toAccount, toKey, toNumber, type AccountRow, type KeyRow, type NumberRow,
} from './sqlite-rows.js';

export interface SqliteStoreOptions {
  readonly file: string;
  readonly secrets: SecretBox;
  /** Most requests one group commit takes (default 512). */
  readonly maxGroupItems?: number;
}

const ACCOUNT_COLUMNS: Record<keyof NewAccount, string> = {
  name: 'name', state: 'state', expiresAt: 'expires_at', ipAllowList: 'ip_allow_list', rateLimitPerSecond: 'rate_limit_per_second',
  credit: 'credit', defaultNumberId: 'default_number_id',
};
const NUMBER_COLUMNS: Record<keyof NewPhoneNumber, string> = {
  phoneNumberId: 'phone_number_id', displayPhoneNumber: 'display_phone_number', wabaId: 'waba_id', accountId: 'account_id',
  registration: 'registration', maxMps: 'max_mps', accessToken: 'access_token_sealed',
};

/** How long another process's change to a key, account or number can go unseen. */
const CACHE_MS = 1000;

function key(accountId: string, idempotencyKey: string): string {
  return `${accountId}\n${idempotencyKey}`;
}

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = { singleWriter: true, sharedAcrossProcesses: false };
  private readonly db: SqliteDatabase;
  private readonly secrets: SecretBox;
  private readonly messages: SqliteMessages;
  readonly dispatch: SqliteDispatch;
  readonly webhooks: SqliteWebhooks;
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
  /**
   * Keys, accounts and numbers are read on every request and change rarely. This connection's own changes clear the
   * cache at once; changes by another process (the CLI) are seen within CACHE_MS. (`PRAGMA data_version` cannot tell
   * them apart from the writer thread's commits, which happen all the time.)
   */
  private readonly cache = new Map<string, { value: unknown; at: number }>();
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(options: SqliteStoreOptions) {
    this.db = openSqliteDatabase(options.file);
    this.secrets = options.secrets;
    this.messages = new SqliteMessages(this.db, {
      file: options.file,
      maxGroupItems: options.maxGroupItems ?? 512,
      singleWriter: this.capabilities.singleWriter,
      onCommitted: (request) => {
        if (request.idempotency) this.inFlight.delete(key(request.idempotency.accountId, request.idempotency.key));
        // A credit debit changed an account row.
        if (request.items.some((i) => i.creditCost > 0)) this.cache.clear();
      },
    });
    this.contacts = new SqliteContactFacts(this.db, Date.now());
    this.dispatch = new SqliteDispatch(this.db, this.secrets);
    this.webhooks = new SqliteWebhooks(this.db, this.secrets);
    this.inbound = new SqliteInbound(this.db);
    this.controls = new SqliteControls(this.db);
    // A top-up changes an account row that the cache may hold.
    this.credit = new SqliteCredit(this.db, () => this.cache.clear());
    this.templates = new SqliteTemplates(this.db);
    this.contactChecks = new SqliteContacts(this.db);
    this.media = new SqliteMedia(this.db);
    const db = this.db;
    this.stmts = {
      account: db.prepare('SELECT * FROM accounts WHERE id = ?'),
      keyByHash: db.prepare('SELECT * FROM api_keys WHERE secret_hash = ?'),
      number: db.prepare('SELECT * FROM phone_numbers WHERE id = ?'),
      numberByRef: db.prepare('SELECT * FROM phone_numbers WHERE id = ? OR phone_number_id = ?'),
      idempotency: db.prepare('SELECT request_hash, status_code, body, created_at FROM idempotency_keys WHERE account_id = ? AND idempotency_key = ?'),
      purgeIdempotency: db.prepare('DELETE FROM idempotency_keys WHERE created_at <= ?'),
    };
    // Keys are kept 24 h; expired rows are ignored on read and deleted here, at start and then hourly.
    const purge = () => this.stmts.purgeIdempotency.run(Date.now() - IDEMPOTENCY_TTL_MS);
    purge();
    this.purgeTimer = setInterval(purge, 3600_000).unref();
  }

  private cached<T>(cacheKey: string, load: () => T): T {
    const now = Date.now();
    const hit = this.cache.get(cacheKey);
    if (hit && now - hit.at < CACHE_MS) return hit.value as T;
    const value = load();
    // Misses are cached too (unknown keys); the bound keeps a flood of random keys from growing memory.
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(cacheKey, { value, at: now });
    return value;
  }

  async createAccount(input: NewAccount, now: number): Promise<Account> {
    this.cache.clear();
    const id = newId('acct', now);
    this.db
      .prepare(
        `INSERT INTO accounts (id, name, state, expires_at, ip_allow_list, rate_limit_per_second, credit, default_number_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.name, input.state ?? 'active', input.expiresAt ?? null, JSON.stringify(input.ipAllowList ?? []),
        input.rateLimitPerSecond ?? null, input.credit ?? null, input.defaultNumberId ?? null, now, now);
    return (await this.getAccount(id))!;
  }

  async getAccount(id: string): Promise<Account | undefined> {
    return this.cached(`a:${id}`, () => {
      const row = this.stmts.account.get(id) as AccountRow | undefined;
      return row ? toAccount(row) : undefined;
    });
  }

  async listAccounts(): Promise<Account[]> {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY id').all() as AccountRow[]).map(toAccount);
  }

  async updateAccount(id: string, patch: AccountPatch, now: number): Promise<Account | undefined> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [keyof NewAccount, unknown][];
    const sets = entries.map(([k]) => `${ACCOUNT_COLUMNS[k]} = ?`);
    const values = entries.map(([k, v]) => (k === 'ipAllowList' ? JSON.stringify(v) : v));
    this.cache.clear();
    this.db.prepare(`UPDATE accounts SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...values, now, id);
    return this.getAccount(id);
  }

  async createKey(input: { kind: KeyKind; accountId: string | null; name: string; secretHash: string; prefix: string }, now: number): Promise<ApiKeyRecord> {
    const id = newId('key', now);
    this.cache.clear();
    this.db
      .prepare('INSERT INTO api_keys (id, kind, account_id, name, prefix, secret_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)')
      .run(id, input.kind, input.accountId, input.name, input.prefix, input.secretHash, now);
    return { id, kind: input.kind, accountId: input.accountId, name: input.name, prefix: input.prefix, createdAt: now, revokedAt: null };
  }

  async findKeyByHash(secretHash: string): Promise<(ApiKeyRecord & { readonly secretHash: string }) | undefined> {
    return this.cached(`k:${secretHash}`, () => {
      const row = this.stmts.keyByHash.get(secretHash) as KeyRow | undefined;
      return row ? { ...toKey(row), secretHash: row.secret_hash } : undefined;
    });
  }

  async listKeys(filter: { accountId?: string; kind?: KeyKind }): Promise<ApiKeyRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM api_keys WHERE (? IS NULL OR account_id = ?) AND (? IS NULL OR kind = ?) ORDER BY id')
      .all(filter.accountId ?? null, filter.accountId ?? null, filter.kind ?? null, filter.kind ?? null) as KeyRow[];
    return rows.map(toKey);
  }

  async revokeKey(id: string, now: number): Promise<ApiKeyRecord | undefined> {
    this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id);
    this.cache.clear();
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row ? toKey(row) : undefined;
  }

  async countActiveKeys(kind: KeyKind): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM api_keys WHERE kind = ? AND revoked_at IS NULL').get(kind) as { n: number }).n;
  }

  async createNumber(input: NewPhoneNumber, now: number): Promise<PhoneNumber> {
    const id = newId('num', now);
    this.cache.clear();
    this.db
      .prepare(
        `INSERT INTO phone_numbers (id, phone_number_id, display_phone_number, waba_id, account_id, registration, max_mps, access_token_sealed, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.phoneNumberId, input.displayPhoneNumber, input.wabaId, input.accountId ?? null, input.registration ?? 'registered',
        input.maxMps ?? 80, input.accessToken ? this.secrets.seal(input.accessToken) : null, now, now);
    return (await this.getNumber(id))!;
  }

  async getNumber(id: string): Promise<PhoneNumber | undefined> {
    return this.cached(`n:${id}`, () => {
      const row = this.stmts.number.get(id) as NumberRow | undefined;
      return row ? toNumber(row) : undefined;
    });
  }

  async findNumber(ref: string): Promise<PhoneNumber | undefined> {
    return this.cached(`r:${ref}`, () => {
      const row = this.stmts.numberByRef.get(ref, ref) as NumberRow | undefined;
      return row ? toNumber(row) : undefined;
    });
  }

  async listNumbers(filter: { accountId?: string }): Promise<PhoneNumber[]> {
    const rows = this.db
      .prepare('SELECT * FROM phone_numbers WHERE (? IS NULL OR account_id = ?) ORDER BY id')
      .all(filter.accountId ?? null, filter.accountId ?? null) as NumberRow[];
    return rows.map(toNumber);
  }

  async updateNumber(id: string, patch: PhoneNumberPatch, now: number): Promise<PhoneNumber | undefined> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [keyof NewPhoneNumber, unknown][];
    const sets = entries.map(([k]) => `${NUMBER_COLUMNS[k]} = ?`);
    const values = entries.map(([k, v]) => (k === 'accessToken' && typeof v === 'string' ? this.secrets.seal(v) : v));
    this.cache.clear();
    this.db.transaction(() => {
      this.db.prepare(`UPDATE phone_numbers SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...values, now, id);
      // A number taken from an account stops being that account's default.
      if (patch.accountId !== undefined)
        this.db.prepare('UPDATE accounts SET default_number_id = NULL WHERE default_number_id = ? AND id IS NOT ?').run(id, patch.accountId);
      // A new token is what a number paused by Meta's refusal (reauth) waits for.
      if (patch.accessToken !== undefined) this.dispatch.resumeNumber(id, now);
    })();
    return this.getNumber(id);
  }

  async deleteNumber(id: string): Promise<boolean> {
    this.cache.clear();
    return this.db.transaction(() => {
      this.db.prepare('UPDATE accounts SET default_number_id = NULL WHERE default_number_id = ?').run(id);
      return this.db.prepare('DELETE FROM phone_numbers WHERE id = ?').run(id).changes > 0;
    })();
  }

  async getAccessToken(numberId: string): Promise<string | undefined> {
    const row = this.stmts.number.get(numberId) as NumberRow | undefined;
    return row?.access_token_sealed ? this.secrets.open(row.access_token_sealed) : undefined;
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
    clearInterval(this.purgeTimer);
    await this.messages.close();
    this.db.close();
  }
}
