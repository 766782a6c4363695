/**
 * SQLite's contact checks: what the upstream said about numbers having WhatsApp, per account. Only "invalid" answers
 * can refuse a send, so those are mirrored in memory and the send path never reads the table.
 */
import type { ContactCheck, ContactStore } from '../controls-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

const pair = (accountId: string, waId: string): string => `${accountId}\n${waId}`;

export class SqliteContacts implements ContactStore {
  /** account + wa_id → when it was last found without WhatsApp (cleared when a later check finds it). */
  private readonly invalid = new Map<string, number>();
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase) {
    this.stmts = {
      latest: db.prepare('SELECT wa_id, status, checked_at FROM contact_checks WHERE account_id = ? AND wa_id = ? AND checked_at >= ?'),
      save: db.prepare(
        `INSERT INTO contact_checks (account_id, wa_id, status, checked_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id, wa_id) DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at`,
      ),
    };
    const rows = db.prepare(`SELECT account_id, wa_id, checked_at FROM contact_checks WHERE status = 'invalid'`).all() as {
      account_id: string; wa_id: string; checked_at: number;
    }[];
    for (const r of rows) this.invalid.set(pair(r.account_id, r.wa_id), r.checked_at);
  }

  async getContactCheck(accountId: string, waId: string, since: number): Promise<ContactCheck | undefined> {
    // Fast path for sends: most recipients were never found invalid.
    const invalidAt = this.invalid.get(pair(accountId, waId));
    if (invalidAt !== undefined && invalidAt >= since) return { waId, status: 'invalid', checkedAt: invalidAt };
    const row = this.stmts.latest.get(accountId, waId, since) as { wa_id: string; status: 'valid' | 'invalid'; checked_at: number } | undefined;
    return row ? { waId: row.wa_id, status: row.status, checkedAt: row.checked_at } : undefined;
  }

  async isKnownInvalid(accountId: string, waId: string, since: number): Promise<boolean> {
    const at = this.invalid.get(pair(accountId, waId));
    return at !== undefined && at >= since;
  }

  async saveContactChecks(accountId: string, checks: readonly Omit<ContactCheck, 'checkedAt'>[], now: number): Promise<void> {
    this.db.transaction(() => {
      for (const c of checks) this.stmts.save.run(accountId, c.waId, c.status, now);
    })();
    for (const c of checks) {
      if (c.status === 'invalid') this.invalid.set(pair(accountId, c.waId), now);
      else this.invalid.delete(pair(accountId, c.waId));
    }
  }
}
