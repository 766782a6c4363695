/**
 * Accounts, their API keys and their phone numbers, written once for every engine. Reads on the request path (a key
 * by its hash, an account, a number) go through a short read cache that this port's own writes clear.
 */
import type { Updateable } from 'kysely';
import type { Account } from '../../domain/account.js';
import type { PhoneNumber } from '../../domain/phone-number.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secret-box.js';
import type {
  AccountPatch, AccountStore, ApiKeyRecord, KeyKind, NewAccount, NewPhoneNumber, PhoneNumberPatch,
} from '../store.js';
import { toAccount, toKey, toNumber } from './account-rows.js';
import { resumeAfterTokenReplaced } from './number-resume.js';
import { ReadCache } from './read-cache.js';
import type { AccountsTable, PhoneNumbersTable } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

/** How long another process's change to a key, account or number can go unseen. */
const CACHE_MS = 1000;

export interface SqlAccountsOptions {
  readonly secrets: SecretBox;
}

const accountKey = (id: string): string => `a:${id}`;

function accountChanges(patch: AccountPatch): Updateable<AccountsTable> {
  return {
    name: patch.name, state: patch.state, expires_at: patch.expiresAt, rate_limit_per_second: patch.rateLimitPerSecond,
    credit: patch.credit, default_number_id: patch.defaultNumberId,
    default_priority: patch.defaultPriority, default_validity_seconds: patch.defaultValiditySeconds,
    ip_allow_list: patch.ipAllowList === undefined ? undefined : JSON.stringify(patch.ipAllowList),
  };
}

export class SqlAccounts implements AccountStore {
  private readonly cache = new ReadCache(CACHE_MS);

  constructor(
    private readonly engine: SqlEngine,
    private readonly options: SqlAccountsOptions,
  ) {}

  /** Forgets every cached read: for writes made elsewhere to these rows (a credit top-up changes an account). */
  forgetCached(): void {
    this.cache.clear();
  }

  /** Forgets one account's cached row: its credit was debited elsewhere (keys and numbers stay cached). */
  forgetAccount(id: string): void {
    this.cache.forget(accountKey(id));
  }

  private get db() {
    return this.engine.db;
  }

  /**
   * Runs a write and then forgets every cached read. Clearing after (not before) matters where reads run in parallel
   * with writes (a pool): a read that started while the write was in flight must not stay cached with the old row.
   */
  private async changing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.cache.clear();
    }
  }

  async createAccount(input: NewAccount, now: number): Promise<Account> {
    const row = await this.changing(() => this.db.insertInto('accounts').values({
      id: newId('acct', now), name: input.name, state: input.state ?? 'active', expires_at: input.expiresAt ?? null,
      ip_allow_list: JSON.stringify(input.ipAllowList ?? []), rate_limit_per_second: input.rateLimitPerSecond ?? null,
      credit: input.credit ?? null, default_number_id: input.defaultNumberId ?? null, created_at: now, updated_at: now,
      default_priority: input.defaultPriority ?? 'normal', default_validity_seconds: input.defaultValiditySeconds ?? null,
    }).returningAll().executeTakeFirstOrThrow());
    return toAccount(row);
  }

  getAccount(id: string): Promise<Account | undefined> {
    return this.cache.read(accountKey(id), async () => {
      const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAccount(row);
    });
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.db.selectFrom('accounts').selectAll().orderBy('id').execute()).map(toAccount);
  }

  async updateAccount(id: string, patch: AccountPatch, now: number): Promise<Account | undefined> {
    const row = await this.changing(() => this.db.updateTable('accounts').set({ ...accountChanges(patch), updated_at: now })
      .where('id', '=', id).returningAll().executeTakeFirst());
    return row && toAccount(row);
  }

  async createKey(input: { kind: KeyKind; accountId: string | null; name: string; secretHash: string; prefix: string }, now: number): Promise<ApiKeyRecord> {
    const row = await this.changing(() => this.db.insertInto('api_keys').values({
      id: newId('key', now), kind: input.kind, account_id: input.accountId, name: input.name, prefix: input.prefix,
      secret_hash: input.secretHash, created_at: now, revoked_at: null,
    }).returningAll().executeTakeFirstOrThrow());
    return toKey(row);
  }

  findKeyByHash(secretHash: string): Promise<(ApiKeyRecord & { readonly secretHash: string }) | undefined> {
    return this.cache.read(`k:${secretHash}`, async () => {
      const row = await this.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row && { ...toKey(row), secretHash: row.secret_hash };
    });
  }

  async listKeys(filter: { accountId?: string; kind?: KeyKind }): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll()
      .$if(filter.accountId !== undefined, (q) => q.where('account_id', '=', filter.accountId!))
      .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind!))
      .orderBy('id').execute();
    return rows.map(toKey);
  }

  async revokeKey(id: string, now: number): Promise<ApiKeyRecord | undefined> {
    await this.changing(() => this.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute());
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toKey(row);
  }

  async countActiveKeys(kind: KeyKind): Promise<number> {
    const row = await this.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', kind).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async createNumber(input: NewPhoneNumber, now: number): Promise<PhoneNumber> {
    const row = await this.changing(() => this.db.insertInto('phone_numbers').values({
      id: newId('num', now), phone_number_id: input.phoneNumberId, display_phone_number: input.displayPhoneNumber,
      waba_id: input.wabaId, account_id: input.accountId ?? null, registration: input.registration ?? 'registered',
      max_mps: input.maxMps ?? 80, access_token_sealed: input.accessToken ? this.options.secrets.seal(input.accessToken) : null,
      created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow());
    return toNumber(row);
  }

  getNumber(id: string): Promise<PhoneNumber | undefined> {
    return this.cache.read(`n:${id}`, async () => {
      const row = await this.db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toNumber(row);
    });
  }

  findNumber(ref: string): Promise<PhoneNumber | undefined> {
    return this.cache.read(`r:${ref}`, async () => {
      const row = await this.db.selectFrom('phone_numbers').selectAll()
        .where((eb) => eb.or([eb('id', '=', ref), eb('phone_number_id', '=', ref)])).executeTakeFirst();
      return row && toNumber(row);
    });
  }

  async listNumbers(filter: { accountId?: string }): Promise<PhoneNumber[]> {
    const rows = await this.db.selectFrom('phone_numbers').selectAll()
      .$if(filter.accountId !== undefined, (q) => q.where('account_id', '=', filter.accountId!))
      .orderBy('id').execute();
    return rows.map(toNumber);
  }

  private numberChanges(patch: PhoneNumberPatch): Updateable<PhoneNumbersTable> {
    const token = patch.accessToken;
    return {
      phone_number_id: patch.phoneNumberId, display_phone_number: patch.displayPhoneNumber, waba_id: patch.wabaId,
      account_id: patch.accountId, registration: patch.registration, max_mps: patch.maxMps,
      access_token_sealed: typeof token === 'string' ? this.options.secrets.seal(token) : token,
    };
  }

  async updateNumber(id: string, patch: PhoneNumberPatch, now: number): Promise<PhoneNumber | undefined> {
    const update = this.db.updateTable('phone_numbers').set({ ...this.numberChanges(patch), updated_at: now }).where('id', '=', id);
    // A number taken from an account stops being that account's default, in the same transaction.
    const undefault = patch.accountId === undefined ? [] : [
      this.db.updateTable('accounts').set({ default_number_id: null })
        .where('default_number_id', '=', id).where('id', 'is distinct from', patch.accountId),
    ];
    // A new token is what a number paused by Meta's refusal waits for: it resumes in the same transaction.
    const resume = patch.accessToken === undefined ? [] : resumeAfterTokenReplaced(this.db, id, await this.accountAfter(id, patch), now);
    await this.changing(() => this.engine.runAtomically([update.compile(), ...undefault.map((q) => q.compile()), ...resume]));
    return this.getNumber(id);
  }

  /** The account a number belongs to once `patch` is applied. */
  private async accountAfter(id: string, patch: PhoneNumberPatch): Promise<string | null> {
    if (patch.accountId !== undefined) return patch.accountId;
    const row = await this.db.selectFrom('phone_numbers').select('account_id').where('id', '=', id).executeTakeFirst();
    return row?.account_id ?? null;
  }

  async deleteNumber(id: string): Promise<boolean> {
    const [, deleted] = await this.changing(() => this.engine.runAtomically([
      this.db.updateTable('accounts').set({ default_number_id: null }).where('default_number_id', '=', id).compile(),
      this.db.deleteFrom('phone_numbers').where('id', '=', id).compile(),
    ]));
    return (deleted?.numAffectedRows ?? 0n) > 0n;
  }

  async getAccessToken(numberId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('phone_numbers').select('access_token_sealed').where('id', '=', numberId).executeTakeFirst();
    return row?.access_token_sealed ? this.options.secrets.open(row.access_token_sealed) : undefined;
  }
}
