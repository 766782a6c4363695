/**
 * The facts preflight reads about a contact (opt-outs, 24-hour windows) and the send's template, written once for
 * every engine. Where no other process writes the tables, opt-outs and open windows are mirrored in memory, so a send
 * checks them without a query for any number of distinct recipients; the tables stay the source of truth.
 */
import { windowsOpenAfter } from '../../domain/preflight/window.js';
import type { ContactIdentityStore } from '../identity-store.js';
import type { SendFacts, SendFactsQuery } from '../store.js';
import { MemoryMirror, pairKey } from './memory-mirror.js';
import { SqlContactIdentities } from './sql-contact-identities.js';
import type { SqlEngine } from './sql-engine.js';
import type { SqlTemplates } from './sql-templates.js';

/** When the window mirror grows past this, the windows that closed are dropped from it (a miss asks the table). */
const WINDOW_MIRROR_TRIM_AT = 1_000_000;

export class SqlContactFacts {
  /** account + wa_id → when the contact opted out. */
  private readonly optOuts: MemoryMirror<number> | undefined;
  /** number + wa_id → when the contact last wrote, for windows open when loaded or opened since. */
  private readonly windows: MemoryMirror<number> | undefined;
  /** number + contact key → when the business blocked the contact. */
  private readonly blocks: MemoryMirror<number> | undefined;
  /** Who a recipient is: every fact here is kept under the contact's key, whichever identifier a caller names. */
  readonly identities: SqlContactIdentities;

  constructor(
    private readonly engine: SqlEngine,
    private readonly templates: SqlTemplates,
  ) {
    const { db, capabilities } = engine;
    this.identities = new SqlContactIdentities(engine);
    this.blocks = MemoryMirror.where(capabilities, async () =>
      (await db.selectFrom('contact_blocks').select(['number_id', 'contact_key', 'blocked_at']).execute())
        .map((r) => [pairKey(r.number_id, r.contact_key), r.blocked_at] as const));
    this.optOuts = MemoryMirror.where(capabilities, async () =>
      (await db.selectFrom('opt_outs').select(['account_id', 'wa_id', 'opted_out_at']).execute())
        .map((r) => [pairKey(r.account_id, r.wa_id), r.opted_out_at] as const));
    this.windows = MemoryMirror.where(capabilities, async () =>
      (await db.selectFrom('service_windows').select(['number_id', 'wa_id', 'last_inbound_at'])
        .where('last_inbound_at', '>', windowsOpenAfter(Date.now())).execute())
        .map((r) => [pairKey(r.number_id, r.wa_id), r.last_inbound_at] as const));
  }

  private get db() {
    return this.engine.db;
  }

  async getSendFacts(q: SendFactsQuery): Promise<SendFacts> {
    const templatesKnown = await this.templates.hasTemplates(q.wabaId);
    const template = q.template && templatesKnown ? await this.templates.findTemplate(q.wabaId, q.template.name, q.template.language) : undefined;
    const key = await this.identities.keyOf(q.accountId, q.to);
    const lastInboundAt = q.needsWindow ? await this.getLastInbound(q.numberId, key) : null;
    const marketingStoppedAt = template?.category.toUpperCase() === 'MARKETING' ? await this.identities.marketingStoppedAt(q.accountId, key) : null;
    return { optedOutAt: await this.optOutOf(q.accountId, key), lastInboundAt, templatesKnown, template, marketingStoppedAt, blockedAt: await this.blockedAt(q.numberId, key) };
  }

  /** Records (or with `blocked` false, lifts) the business's block of a contact on one number. */
  async setBlocked(numberId: string, key: string, blocked: boolean, now: number): Promise<void> {
    if (blocked) {
      await this.db.insertInto('contact_blocks').values({ number_id: numberId, contact_key: key, blocked_at: now })
        .onConflict((oc) => oc.columns(['number_id', 'contact_key']).doNothing()).execute();
      await this.blocks?.set(pairKey(numberId, key), now);
      return;
    }
    await this.db.deleteFrom('contact_blocks').where('number_id', '=', numberId).where('contact_key', '=', key).execute();
    await this.blocks?.delete(pairKey(numberId, key));
  }

  async blockedAt(numberId: string, key: string): Promise<number | null> {
    if (this.blocks) return (await this.blocks.get(pairKey(numberId, key))) ?? null;
    const row = await this.db.selectFrom('contact_blocks').select('blocked_at').where('number_id', '=', numberId).where('contact_key', '=', key).executeTakeFirst();
    return row?.blocked_at ?? null;
  }

  async listBlocked(numberId: string): Promise<{ key: string; blockedAt: number }[]> {
    const rows = await this.db.selectFrom('contact_blocks').select(['contact_key', 'blocked_at']).where('number_id', '=', numberId).orderBy('contact_key').execute();
    return rows.map((r) => ({ key: r.contact_key, blockedAt: r.blocked_at }));
  }

  /** Keeps the first opt-out's time when the contact opts out again. */
  async recordOptOut(accountId: string, identifier: string, now: number): Promise<void> {
    const waId = await this.identities.keyOf(accountId, identifier);
    const row = await this.db.insertInto('opt_outs').values({ account_id: accountId, wa_id: waId, opted_out_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'wa_id']).doNothing()).returning('opted_out_at').executeTakeFirst();
    if (row) await this.optOuts?.set(pairKey(accountId, waId), row.opted_out_at);
  }

  async removeOptOut(accountId: string, identifier: string): Promise<boolean> {
    const waId = await this.identities.keyOf(accountId, identifier);
    const result = await this.db.deleteFrom('opt_outs').where('account_id', '=', accountId).where('wa_id', '=', waId).executeTakeFirst();
    await this.optOuts?.delete(pairKey(accountId, waId));
    return result.numDeletedRows > 0n;
  }

  async listOptOuts(accountId: string): Promise<{ waId: string; optedOutAt: number }[]> {
    const rows = await this.db.selectFrom('opt_outs').select(['wa_id', 'opted_out_at']).where('account_id', '=', accountId).orderBy('wa_id').execute();
    return rows.map((r) => ({ waId: r.wa_id, optedOutAt: r.opted_out_at }));
  }

  async getOptOut(accountId: string, identifier: string): Promise<number | null> {
    return this.optOutOf(accountId, await this.identities.keyOf(accountId, identifier));
  }

  private async optOutOf(accountId: string, waId: string): Promise<number | null> {
    if (this.optOuts) return (await this.optOuts.get(pairKey(accountId, waId))) ?? null;
    const row = await this.db.selectFrom('opt_outs').select('opted_out_at').where('account_id', '=', accountId).where('wa_id', '=', waId).executeTakeFirst();
    return row?.opted_out_at ?? null;
  }

  /** Keeps the latest inbound time: webhooks may arrive out of order. */
  async recordInbound(numberId: string, waId: string, at: number): Promise<void> {
    const row = await this.db.insertInto('service_windows').values({ number_id: numberId, wa_id: waId, last_inbound_at: at })
      .onConflict((oc) => oc.columns(['number_id', 'wa_id'])
        .doUpdateSet((eb) => ({ last_inbound_at: eb.ref('excluded.last_inbound_at') }))
        .where((eb) => eb('service_windows.last_inbound_at', '<', eb.ref('excluded.last_inbound_at'))))
      .returning('last_inbound_at').executeTakeFirst();
    if (!row || !this.windows) return;
    await this.windows.set(pairKey(numberId, waId), row.last_inbound_at);
    await this.windows.trim(WINDOW_MIRROR_TRIM_AT, (lastInboundAt) => lastInboundAt > windowsOpenAfter(at));
  }

  /** The mirror answers open windows; a miss (never, or closed before it was loaded) asks the table. */
  async getLastInbound(numberId: string, waId: string): Promise<number | null> {
    const mirrored = await this.windows?.get(pairKey(numberId, waId));
    if (mirrored !== undefined) return mirrored;
    const row = await this.db.selectFrom('service_windows').select('last_inbound_at').where('number_id', '=', numberId).where('wa_id', '=', waId).executeTakeFirst();
    return row?.last_inbound_at ?? null;
  }
}

/** The identity port: the contact facts' own identities (one alias mirror) with the blocks they key. */
export function contactIdentityStore(facts: SqlContactFacts): ContactIdentityStore {
  const { identities } = facts;
  return {
    keyOf: (accountId, identifier) => identities.keyOf(accountId, identifier),
    learn: (accountId, identity, now) => identities.learn(accountId, identity, now),
    changeUserId: (accountId, change, now) => identities.changeUserId(accountId, change, now),
    identifiersOf: (accountId, identifier) => identities.identifiersOf(accountId, identifier),
    getProfile: (accountId, identifier) => identities.getProfile(accountId, identifier),
    setMarketingPreference: (accountId, identity, stoppedAt, now) => identities.setMarketingPreference(accountId, identity, stoppedAt, now),
    setBlocked: (numberId, key, blocked, now) => facts.setBlocked(numberId, key, blocked, now),
    listBlocked: (numberId) => facts.listBlocked(numberId),
  };
}
