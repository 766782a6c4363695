/**
 * Contact checks, written once for every engine: what the upstream said about numbers having WhatsApp, per account.
 * Only "invalid" answers can refuse a send; where no other process writes the table they are mirrored in memory, so
 * the send path never reads it.
 */
import type { ContactStatus } from '../../domain/preflight/recipient-on-whatsapp.js';
import type { ContactCheck, ContactStore } from '../controls-store.js';
import { MemoryMirror, pairKey } from './memory-mirror.js';
import type { SqlEngine } from './sql-engine.js';

const INVALID: ContactStatus = 'invalid';

export class SqlContactChecks implements ContactStore {
  /** account + wa_id → when it was last found without WhatsApp (gone once a later check finds it). */
  private readonly invalid: MemoryMirror<number> | undefined;

  constructor(private readonly engine: SqlEngine) {
    this.invalid = MemoryMirror.where(engine.capabilities, async () =>
      (await engine.db.selectFrom('contact_checks').select(['account_id', 'wa_id', 'checked_at']).where('status', '=', INVALID).execute())
        .map((r) => [pairKey(r.account_id, r.wa_id), r.checked_at] as const));
  }

  private get db() {
    return this.engine.db;
  }

  async getContactCheck(accountId: string, waId: string, since: number): Promise<ContactCheck | undefined> {
    // Most recipients of sends were never found invalid: the mirror answers those that were.
    const invalidAt = await this.invalid?.get(pairKey(accountId, waId));
    if (invalidAt !== undefined && invalidAt >= since) return { waId, status: INVALID, checkedAt: invalidAt };
    const row = await this.db.selectFrom('contact_checks').select(['wa_id', 'status', 'checked_at'])
      .where('account_id', '=', accountId).where('wa_id', '=', waId).where('checked_at', '>=', since).executeTakeFirst();
    return row && { waId: row.wa_id, status: row.status as ContactStatus, checkedAt: row.checked_at };
  }

  async isKnownInvalid(accountId: string, waId: string, since: number): Promise<boolean> {
    if (this.invalid) {
      const at = await this.invalid.get(pairKey(accountId, waId));
      return at !== undefined && at >= since;
    }
    const row = await this.db.selectFrom('contact_checks').select('wa_id')
      .where('account_id', '=', accountId).where('wa_id', '=', waId).where('status', '=', INVALID).where('checked_at', '>=', since)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** One statement for the whole batch; a number listed twice keeps its last answer. */
  async saveContactChecks(accountId: string, checks: readonly Omit<ContactCheck, 'checkedAt'>[], now: number): Promise<void> {
    const latest = new Map(checks.map((c) => [c.waId, c.status]));
    if (latest.size === 0) return;
    await this.db.insertInto('contact_checks')
      .values([...latest].map(([waId, status]) => ({ account_id: accountId, wa_id: waId, status, checked_at: now })))
      .onConflict((oc) => oc.columns(['account_id', 'wa_id'])
        .doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), checked_at: eb.ref('excluded.checked_at') })))
      .execute();
    if (!this.invalid) return;
    for (const [waId, status] of latest) {
      if (status === INVALID) await this.invalid.set(pairKey(accountId, waId), now);
      else await this.invalid.delete(pairKey(accountId, waId));
    }
  }
}
