/**
 * Contacts known by phone, business-scoped user id, or both, written once for every engine. Each identifier an account
 * met is an alias of the contact's key; facts about the contact are stored under the key, so they follow it when a
 * webhook reveals the other identifier or a phone change brings a new user id. Where no other process writes the
 * tables the aliases are mirrored in memory, so resolving a send's recipient costs no query.
 */
import type { Kysely } from 'kysely';
import { firstKey, type ContactIdentity } from '../../domain/contact-identity.js';
import type { ContactProfile } from '../identity-store.js';
import { MemoryMirror, pairKey } from './memory-mirror.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

export class SqlContactIdentities {
  /** account + identifier → the contact's key; an identifier without an entry is its own key. */
  private readonly aliases: MemoryMirror<string> | undefined;

  constructor(private readonly engine: SqlEngine) {
    this.aliases = MemoryMirror.where(engine.capabilities, async () =>
      (await engine.db.selectFrom('contact_aliases').select(['account_id', 'identifier', 'contact_key']).execute())
        .map((r) => [pairKey(r.account_id, r.identifier), r.contact_key] as const));
  }

  /** The key a recipient's facts are stored under: its contact's, or the identifier itself for a contact never linked. */
  async keyOf(accountId: string, identifier: string): Promise<string> {
    return (await this.findKey(accountId, identifier)) ?? identifier;
  }

  private async findKey(accountId: string, identifier: string): Promise<string | undefined> {
    if (this.aliases) return this.aliases.get(pairKey(accountId, identifier));
    const row = await this.engine.db.selectFrom('contact_aliases').select('contact_key')
      .where('account_id', '=', accountId).where('identifier', '=', identifier).executeTakeFirst();
    return row?.contact_key;
  }

  /**
   * Links what a webhook told about one user to its contact (made on first sight) and answers the contact's key. A
   * username or parent id is kept when sent and never cleared by a webhook that leaves it out.
   */
  async learn(accountId: string, identity: ContactIdentity, now: number): Promise<string | undefined> {
    // A parent id names the same user across linked portfolios, so a send to it reaches this contact too.
    const identifiers = [identity.phone, identity.userId, identity.parentUserId].filter((v): v is string => v !== undefined);
    if (identity.phone === undefined && identity.userId === undefined) return undefined;
    const known = await this.knownKeys(accountId, identifiers);
    const key = identifiers.map((i) => known.get(i)).find((k) => k !== undefined) ?? (firstKey(identity) as string);
    await this.link(accountId, key, identifiers, known, identity, now);
    return key;
  }

  /** A phone change gave the user a new id: the new id (and phone) become aliases of the same contact. */
  async changeUserId(accountId: string, change: { previous: string; current: string; phone?: string }, now: number): Promise<string> {
    const identifiers = [change.previous, change.current, ...(change.phone === undefined ? [] : [change.phone])];
    const known = await this.knownKeys(accountId, identifiers);
    const key = known.get(change.previous) ?? known.get(change.current) ?? change.current;
    const identity = { userId: change.current, ...(change.phone === undefined ? {} : { phone: change.phone }) };
    await this.link(accountId, key, identifiers, known, identity, now);
    return key;
  }

  private async knownKeys(accountId: string, identifiers: readonly string[]): Promise<Map<string, string>> {
    const known = new Map<string, string>();
    for (const identifier of identifiers) {
      const key = await this.findKey(accountId, identifier);
      if (key !== undefined) known.set(identifier, key);
    }
    return known;
  }

  /**
   * Makes the identifiers not yet known aliases of `key` and updates its profile. An identifier already tied to another
   * contact keeps it (contacts are not merged), in the table and in the mirror alike.
   */
  private async link(accountId: string, key: string, identifiers: readonly string[], known: ReadonlyMap<string, string>, identity: ContactIdentity, now: number): Promise<void> {
    const fresh = [...new Set(identifiers)].filter((i) => !known.has(i));
    await this.engine.transaction((trx) => this.write(trx, accountId, key, fresh, identity, now));
    for (const identifier of fresh) await this.aliases?.set(pairKey(accountId, identifier), key);
  }

  private async write(trx: Kysely<Database>, accountId: string, key: string, identifiers: readonly string[], identity: ContactIdentity, now: number): Promise<void> {
    if (identifiers.length > 0)
      await trx.insertInto('contact_aliases').values(identifiers.map((identifier) => ({ account_id: accountId, identifier, contact_key: key })))
        .onConflict((oc) => oc.columns(['account_id', 'identifier']).doNothing()).execute();
    const known = {
      ...(identity.phone === undefined ? {} : { phone: identity.phone }),
      ...(identity.userId === undefined ? {} : { user_id: identity.userId }),
      ...(identity.parentUserId === undefined ? {} : { parent_user_id: identity.parentUserId }),
      ...(identity.username === undefined ? {} : { username: identity.username }),
    };
    await trx.insertInto('contact_profiles').values({ account_id: accountId, contact_key: key, ...known, updated_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'contact_key']).doUpdateSet({ ...known, updated_at: now })).execute();
  }

  /** Every identifier the account met for the contact behind `identifier` (itself included): its message history's recipients. */
  async identifiersOf(accountId: string, identifier: string): Promise<string[]> {
    const key = await this.keyOf(accountId, identifier);
    const rows = await this.engine.db.selectFrom('contact_aliases').select('identifier')
      .where('account_id', '=', accountId).where('contact_key', '=', key).execute();
    return [...new Set([identifier, key, ...rows.map((r) => r.identifier)])].sort();
  }

  async getProfile(accountId: string, identifier: string): Promise<ContactProfile | undefined> {
    const key = await this.keyOf(accountId, identifier);
    const row = await this.engine.db.selectFrom('contact_profiles').selectAll()
      .where('account_id', '=', accountId).where('contact_key', '=', key).executeTakeFirst();
    if (!row) return undefined;
    return {
      key,
      marketingStoppedAt: row.marketing_stopped_at,
      ...(row.phone === null ? {} : { phone: row.phone }),
      ...(row.user_id === null ? {} : { userId: row.user_id }),
      ...(row.parent_user_id === null ? {} : { parentUserId: row.parent_user_id }),
      ...(row.username === null ? {} : { username: row.username }),
    };
  }

  /** Meta's `user_preferences`: `stoppedAt` null when the user resumed marketing messages. */
  async setMarketingPreference(accountId: string, identity: ContactIdentity, stoppedAt: number | null, now: number): Promise<void> {
    const key = await this.learn(accountId, identity, now);
    if (key === undefined) return;
    await this.engine.db.updateTable('contact_profiles').set({ marketing_stopped_at: stoppedAt, updated_at: now })
      .where('account_id', '=', accountId).where('contact_key', '=', key).execute();
  }

  async marketingStoppedAt(accountId: string, key: string): Promise<number | null> {
    const row = await this.engine.db.selectFrom('contact_profiles').select('marketing_stopped_at')
      .where('account_id', '=', accountId).where('contact_key', '=', key).executeTakeFirst();
    return row?.marketing_stopped_at ?? null;
  }
}
