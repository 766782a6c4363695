/**
 * SQLite's contact checks: what the upstream said about numbers having WhatsApp. Only "invalid" answers can refuse
 * a send, so those are mirrored in memory and the send path never reads the table.
 */
import type { ContactCheck, ContactStore } from '../controls-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteContacts implements ContactStore {
  /** wa_id → when it was last found without WhatsApp (cleared when a later check finds it). */
  private readonly invalid = new Map<string, number>();
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase) {
    this.stmts = {
      latest: db.prepare('SELECT wa_id, status, checked_at FROM contact_checks WHERE wa_id = ? AND checked_at >= ? ORDER BY checked_at DESC LIMIT 1'),
      save: db.prepare(
        `INSERT INTO contact_checks (number_id, wa_id, status, checked_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (number_id, wa_id) DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at`,
      ),
    };
    const rows = db.prepare(
      `SELECT wa_id, max(checked_at) AS at, status FROM contact_checks GROUP BY wa_id HAVING status = 'invalid'`,
    ).all() as { wa_id: string; at: number }[];
    for (const r of rows) this.invalid.set(r.wa_id, r.at);
  }

  async getContactCheck(waId: string, since: number): Promise<ContactCheck | undefined> {
    // Fast path for sends: most recipients were never found invalid.
    const invalidAt = this.invalid.get(waId);
    if (invalidAt !== undefined && invalidAt >= since) return { waId, status: 'invalid', checkedAt: invalidAt };
    const row = this.stmts.latest.get(waId, since) as { wa_id: string; status: 'valid' | 'invalid'; checked_at: number } | undefined;
    return row ? { waId: row.wa_id, status: row.status, checkedAt: row.checked_at } : undefined;
  }

  async isKnownInvalid(waId: string, since: number): Promise<boolean> {
    const at = this.invalid.get(waId);
    return at !== undefined && at >= since;
  }

  async saveContactChecks(numberId: string, checks: readonly Omit<ContactCheck, 'checkedAt'>[], now: number): Promise<void> {
    this.db.transaction(() => {
      for (const c of checks) this.stmts.save.run(numberId, c.waId, c.status, now);
    })();
    for (const c of checks) {
      if (c.status === 'invalid') this.invalid.set(c.waId, now);
      else this.invalid.delete(c.waId);
    }
  }
}
