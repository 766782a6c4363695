/**
 * Account controls and prices, written once for every engine. Both are read on every request, so reads are cached:
 * for good where this process is the store's only writer, for a moment where other processes share it. A change of
 * controls writes only the fields it names, so two operators' changes never undo each other.
 */
import type { Selectable, Updateable } from 'kysely';
import { NO_CONTROLS, type AccountControls } from '../../domain/account.js';
import type { PriceCategory, PriceRule } from '../../domain/credit/pricing.js';
import type { ControlsPatch, ControlsStore } from '../controls-store.js';
import { ReadCache } from './read-cache.js';
import type { AccountControlsTable } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

/** How long another process's change of controls or prices can go unseen where processes share the store. */
const SHARED_CACHE_MS = 1000;

function toControls(r: Selectable<AccountControlsTable>): AccountControls {
  return {
    prepaidExpiresAt: r.prepaid_expires_at, whatsappApiDisabled: r.whatsapp_api_disabled === 1, spamThreshold: r.spam_threshold,
    messagingTier: r.messaging_tier, requestsPerMinute: r.requests_per_minute, requestIntervalMs: r.request_interval_ms,
    blockedPaths: JSON.parse(r.blocked_paths) as string[],
  };
}

/** The columns a patch names (an absent field stays undefined, which the query builder leaves out). */
function columnsOf(patch: ControlsPatch): Updateable<AccountControlsTable> {
  return {
    prepaid_expires_at: patch.prepaidExpiresAt, spam_threshold: patch.spamThreshold, messaging_tier: patch.messagingTier,
    requests_per_minute: patch.requestsPerMinute, request_interval_ms: patch.requestIntervalMs,
    whatsapp_api_disabled: patch.whatsappApiDisabled === undefined ? undefined : Number(patch.whatsappApiDisabled),
    blocked_paths: patch.blockedPaths === undefined ? undefined : JSON.stringify(patch.blockedPaths),
  };
}

/** Code-point order on both engines (a database collation may put `*` elsewhere). */
const byCategoryAndCountry = (a: PriceRule, b: PriceRule): number =>
  a.category !== b.category ? (a.category < b.category ? -1 : 1)
    : a.country !== b.country ? (a.country < b.country ? -1 : 1) : (a.effectiveFrom ?? 0) - (b.effectiveFrom ?? 0);

export class SqlControls implements ControlsStore {
  private readonly cache: ReadCache;

  constructor(private readonly engine: SqlEngine) {
    this.cache = new ReadCache(engine.capabilities.sharedAcrossProcesses ? SHARED_CACHE_MS : Infinity);
  }

  private get db() {
    return this.engine.db;
  }

  getControls(accountId: string): Promise<AccountControls> {
    return this.cache.read(`c:${accountId}`, async () => {
      const row = await this.db.selectFrom('account_controls').selectAll().where('account_id', '=', accountId).executeTakeFirst();
      return row ? toControls(row) : NO_CONTROLS;
    });
  }

  async setControls(accountId: string, patch: ControlsPatch, now: number): Promise<AccountControls> {
    const changed = { ...columnsOf(patch), updated_at: now };
    try {
      const row = await this.db.insertInto('account_controls').values({ ...columnsOf({ ...NO_CONTROLS, ...patch }), account_id: accountId, updated_at: now })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(changed))
        .returningAll().executeTakeFirstOrThrow();
      return toControls(row);
    } finally {
      this.cache.forget(`c:${accountId}`);
    }
  }

  listPrices(accountId: string): Promise<PriceRule[]> {
    return this.cache.read(`p:${accountId}`, async () => {
      const rows = await this.db.selectFrom('credit_prices').select(['category', 'country', 'price', 'effective_from']).where('account_id', '=', accountId).execute();
      return rows.map((r) => ({
        category: r.category as PriceCategory, country: r.country, price: Number(r.price), ...(Number(r.effective_from) === 0 ? {} : { effectiveFrom: Number(r.effective_from) }),
      })).sort(byCategoryAndCountry);
    });
  }

  async setPrices(accountId: string, rules: readonly PriceRule[]): Promise<void> {
    const replace = this.db.deleteFrom('credit_prices').where('account_id', '=', accountId).compile();
    const insert = rules.length === 0 ? [] : [
      this.db.insertInto('credit_prices').values(rules.map((r) => ({ account_id: accountId, category: r.category, country: r.country, price: r.price, effective_from: r.effectiveFrom ?? 0 }))).compile(),
    ];
    try {
      await this.engine.runAtomically([replace, ...insert]);
    } finally {
      this.cache.forget(`p:${accountId}`);
    }
  }
}
