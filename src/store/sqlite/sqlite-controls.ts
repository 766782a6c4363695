/**
 * SQLite's account controls: operator settings and prices, cached in memory (one process owns the file). The spam and
 * messaging-limit counts are read and written by the accept transaction (sqlite-accept.ts).
 */
import { NO_CONTROLS, type AccountControls } from '../../domain/account.js';
import type { PriceCategory, PriceRule } from '../../domain/credit/pricing.js';
import type { ControlsPatch, ControlsStore } from '../controls-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface ControlsRow {
  prepaid_expires_at: number | null; whatsapp_api_disabled: number; spam_threshold: number | null; messaging_tier: number | null;
  requests_per_minute: number | null; request_interval_ms: number | null; blocked_paths: string;
}

function toControls(r: ControlsRow): AccountControls {
  return {
    prepaidExpiresAt: r.prepaid_expires_at, whatsappApiDisabled: r.whatsapp_api_disabled === 1, spamThreshold: r.spam_threshold,
    messagingTier: r.messaging_tier, requestsPerMinute: r.requests_per_minute, requestIntervalMs: r.request_interval_ms,
    blockedPaths: JSON.parse(r.blocked_paths) as string[],
  };
}

export class SqliteControls implements ControlsStore {
  private readonly controls = new Map<string, AccountControls>();
  private readonly prices = new Map<string, PriceRule[]>();
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase) {
    this.stmts = {
      controls: db.prepare('SELECT * FROM account_controls WHERE account_id = ?'),
      upsert: db.prepare(
        `INSERT INTO account_controls (account_id, prepaid_expires_at, whatsapp_api_disabled, spam_threshold, messaging_tier,
           requests_per_minute, request_interval_ms, blocked_paths, updated_at)
         VALUES (@accountId, @prepaidExpiresAt, @whatsappApiDisabled, @spamThreshold, @messagingTier, @requestsPerMinute, @requestIntervalMs, @blockedPaths, @now)
         ON CONFLICT (account_id) DO UPDATE SET prepaid_expires_at = excluded.prepaid_expires_at, whatsapp_api_disabled = excluded.whatsapp_api_disabled,
           spam_threshold = excluded.spam_threshold, messaging_tier = excluded.messaging_tier, requests_per_minute = excluded.requests_per_minute,
           request_interval_ms = excluded.request_interval_ms, blocked_paths = excluded.blocked_paths, updated_at = excluded.updated_at`,
      ),
      prices: db.prepare('SELECT category, country, price FROM credit_prices WHERE account_id = ? ORDER BY category, country'),
    };
  }

  async getControls(accountId: string): Promise<AccountControls> {
    let controls = this.controls.get(accountId);
    if (!controls) {
      const row = this.stmts.controls.get(accountId) as ControlsRow | undefined;
      controls = row ? toControls(row) : NO_CONTROLS;
      this.controls.set(accountId, controls);
    }
    return controls;
  }

  async setControls(accountId: string, patch: ControlsPatch, now: number): Promise<AccountControls> {
    const next = { ...(await this.getControls(accountId)), ...patch };
    this.stmts.upsert.run({
      accountId, now, prepaidExpiresAt: next.prepaidExpiresAt, whatsappApiDisabled: next.whatsappApiDisabled ? 1 : 0,
      spamThreshold: next.spamThreshold, messagingTier: next.messagingTier, requestsPerMinute: next.requestsPerMinute,
      requestIntervalMs: next.requestIntervalMs, blockedPaths: JSON.stringify(next.blockedPaths),
    });
    this.controls.set(accountId, next);
    return next;
  }

  async listPrices(accountId: string): Promise<PriceRule[]> {
    let rules = this.prices.get(accountId);
    if (!rules) {
      rules = (this.stmts.prices.all(accountId) as { category: PriceCategory; country: string; price: number }[]).map((r) => ({ ...r }));
      this.prices.set(accountId, rules);
    }
    return rules;
  }

  async setPrices(accountId: string, rules: readonly PriceRule[]): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM credit_prices WHERE account_id = ?').run(accountId);
      const insert = this.db.prepare('INSERT INTO credit_prices (account_id, category, country, price) VALUES (?, ?, ?, ?)');
      for (const r of rules) insert.run(accountId, r.category, r.country, r.price);
    })();
    this.prices.set(accountId, rules.map((r) => ({ ...r })));
  }
}
