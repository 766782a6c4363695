/**
 * The facts preflight reads about a contact (opt-outs, 24-hour windows) and templates, for the SQLite store.
 * One process owns a SQLite file, so opt-outs and recent windows are mirrored in memory: a send checks them
 * without a read transaction, for any number of distinct recipients. The tables stay the source of truth.
 */
import { SERVICE_WINDOW_MS } from '../../domain/preflight/window.js';
import type { TemplateRecord } from '../../domain/template.js';
import type { SendFacts, SendFactsQuery } from '../store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { toTemplate, type TemplateRow } from './sqlite-rows.js';

const pair = (a: string, b: string): string => `${a}\n${b}`;
/** When the window index grows past this, entries whose window closed long ago are dropped from memory. */
const WINDOW_INDEX_PRUNE_AT = 1_000_000;
const UNSYNCED_RECHECK_MS = 1000;

export class SqliteContactFacts {
  private readonly db: SqliteDatabase;
  private readonly optOuts = new Map<string, number>();
  private readonly windows = new Map<string, number>();
  /** true once synced; otherwise when `false` was last read (epoch ms). */
  private readonly templatesKnown = new Map<string, true | number>();
  private readonly stmts;

  constructor(db: SqliteDatabase, now: number) {
    this.db = db;
    this.stmts = {
      window: db.prepare('SELECT last_inbound_at FROM service_windows WHERE number_id = ? AND wa_id = ?').pluck(),
      template: db.prepare('SELECT * FROM templates WHERE waba_id = ? AND name = ? AND language = ?'),
      anyTemplate: db.prepare('SELECT 1 FROM templates WHERE waba_id = ? LIMIT 1'),
    };
    for (const r of db.prepare('SELECT account_id, wa_id, opted_out_at FROM opt_outs').all() as { account_id: string; wa_id: string; opted_out_at: number }[])
      this.optOuts.set(pair(r.account_id, r.wa_id), r.opted_out_at);
    const open = db.prepare('SELECT number_id, wa_id, last_inbound_at FROM service_windows WHERE last_inbound_at > ?').all(now - SERVICE_WINDOW_MS) as {
      number_id: string; wa_id: string; last_inbound_at: number;
    }[];
    for (const r of open) this.windows.set(pair(r.number_id, r.wa_id), r.last_inbound_at);
  }

  async getSendFacts(q: SendFactsQuery): Promise<SendFacts> {
    const templatesKnown = await this.hasTemplates(q.wabaId);
    const template = q.template && templatesKnown ? await this.findTemplate(q.wabaId, q.template.name, q.template.language) : undefined;
    const lastInboundAt = q.needsWindow ? await this.getLastInbound(q.numberId, q.to) : null;
    return { optedOutAt: this.optOuts.get(pair(q.accountId, q.to)) ?? null, lastInboundAt, templatesKnown, template };
  }

  async recordOptOut(accountId: string, waId: string, now: number): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO opt_outs (account_id, wa_id, opted_out_at) VALUES (?, ?, ?)').run(accountId, waId, now);
    if (!this.optOuts.has(pair(accountId, waId))) this.optOuts.set(pair(accountId, waId), now);
  }

  async removeOptOut(accountId: string, waId: string): Promise<boolean> {
    this.optOuts.delete(pair(accountId, waId));
    return this.db.prepare('DELETE FROM opt_outs WHERE account_id = ? AND wa_id = ?').run(accountId, waId).changes > 0;
  }

  async listOptOuts(accountId: string): Promise<{ waId: string; optedOutAt: number }[]> {
    const rows = this.db.prepare('SELECT wa_id, opted_out_at FROM opt_outs WHERE account_id = ? ORDER BY wa_id').all(accountId) as {
      wa_id: string; opted_out_at: number;
    }[];
    return rows.map((r) => ({ waId: r.wa_id, optedOutAt: r.opted_out_at }));
  }

  async getOptOut(accountId: string, waId: string): Promise<number | null> {
    return this.optOuts.get(pair(accountId, waId)) ?? null;
  }

  async recordInbound(numberId: string, waId: string, at: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO service_windows (number_id, wa_id, last_inbound_at) VALUES (?, ?, ?)
         ON CONFLICT (number_id, wa_id) DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at)`,
      )
      .run(numberId, waId, at);
    const key = pair(numberId, waId);
    this.windows.set(key, Math.max(at, this.windows.get(key) ?? at));
    if (this.windows.size > WINDOW_INDEX_PRUNE_AT) this.pruneWindows(at);
  }

  /** Memory answers open windows; a miss (never, or closed before start-up) asks the table, on the refusal path only. */
  async getLastInbound(numberId: string, waId: string): Promise<number | null> {
    return this.windows.get(pair(numberId, waId)) ?? ((this.stmts.window.get(numberId, waId) as number | undefined) ?? null);
  }

  async upsertTemplate(t: TemplateRecord): Promise<void> {
    this.templatesKnown.set(t.wabaId, true);
    this.db
      .prepare('INSERT OR REPLACE INTO templates (waba_id, name, language, status, category, components, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(t.wabaId, t.name, t.language, t.status, t.category, JSON.stringify(t.components), t.updatedAt);
  }

  async findTemplate(wabaId: string, name: string, language: string): Promise<TemplateRecord | undefined> {
    const row = this.stmts.template.get(wabaId, name, language) as TemplateRow | undefined;
    return row ? toTemplate(row) : undefined;
  }

  /**
   * Whether template sync ever ran for the WABA. Once true it stays true; `false` is asked again after a second, in
   * case another process synced (this process's own sync sets it at once).
   */
  async hasTemplates(wabaId: string): Promise<boolean> {
    const now = Date.now();
    const known = this.templatesKnown.get(wabaId);
    if (known === true || (known !== undefined && now - known < UNSYNCED_RECHECK_MS)) return known === true;
    const found = this.stmts.anyTemplate.get(wabaId) !== undefined;
    this.templatesKnown.set(wabaId, found ? true : now);
    return found;
  }

  private pruneWindows(now: number): void {
    for (const [key, at] of this.windows) if (now - at > 2 * SERVICE_WINDOW_MS) this.windows.delete(key);
  }
}
