/**
 * SQLite's credit ledger: top-ups and corrections with their rows, and the settle/refund statements dispatch runs
 * inside its own outcome transactions. The accept transaction's reserve row is written by the writer thread
 * (sqlite-accept.ts) as `led_reserve_<message id>`.
 */
import { randomUUID } from 'node:crypto';
import type { LedgerEntry, LedgerKind } from '../../domain/credit/ledger.js';
import type { CreditStore } from '../controls-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface LedgerRow {
  id: string; account_id: string; message_id: string | null; kind: LedgerKind; amount: number; note: string | null; created_at: number;
}

const toEntry = (r: LedgerRow): LedgerEntry => ({
  id: r.id, accountId: r.account_id, messageId: r.message_id, kind: r.kind, amount: r.amount, note: r.note, createdAt: r.created_at,
});

/**
 * What a message's outcome does to its reservation, as statements to run inside the outcome's transaction. Each
 * writes at most once per message (unique message_id, kind) and never after the other: a message is settled or
 * refunded, not both.
 */
export function prepareLedgerSettlement(db: SqliteDatabase) {
  const settle = db.prepare(
    `INSERT OR IGNORE INTO credit_ledger (id, account_id, message_id, kind, amount, note, created_at)
     SELECT 'led_settle_' || message_id, account_id, message_id, 'settle', 0, NULL, @now FROM credit_ledger
     WHERE message_id = @messageId AND kind = 'reserve'
       AND NOT EXISTS (SELECT 1 FROM credit_ledger WHERE message_id = @messageId AND kind = 'refund')`,
  );
  const refundRow = db.prepare(
    `INSERT OR IGNORE INTO credit_ledger (id, account_id, message_id, kind, amount, note, created_at)
     SELECT 'led_refund_' || message_id, account_id, message_id, 'refund', -amount, 'failed before sending', @now FROM credit_ledger
     WHERE message_id = @messageId AND kind = 'reserve'
       AND NOT EXISTS (SELECT 1 FROM credit_ledger WHERE message_id = @messageId AND kind = 'settle')`,
  );
  const refundBalance = db.prepare(
    `UPDATE accounts SET credit = credit + (SELECT amount FROM credit_ledger WHERE message_id = @messageId AND kind = 'refund')
     WHERE id = (SELECT account_id FROM credit_ledger WHERE message_id = @messageId AND kind = 'refund') AND credit IS NOT NULL`,
  );
  return {
    /** On `sent`: the reservation becomes the charge (a 0 row, so every message's fate is in the ledger). */
    settle(messageId: string, now: number): void {
      settle.run({ messageId, now });
    },
    /** On `failed` before sending: the reservation goes back to the balance. Answers whether anything was refunded. */
    refund(messageId: string, now: number): boolean {
      if (refundRow.run({ messageId, now }).changes === 0) return false;
      refundBalance.run({ messageId });
      return true;
    },
  };
}

export class SqliteCredit implements CreditStore {
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase, private readonly onBalanceChanged: () => void) {
    this.stmts = {
      add: db.prepare('UPDATE accounts SET credit = COALESCE(credit, 0) + ?, updated_at = ? WHERE id = ?'),
      balance: db.prepare('SELECT credit FROM accounts WHERE id = ?').pluck(),
      insert: db.prepare('INSERT INTO credit_ledger (id, account_id, message_id, kind, amount, note, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?)'),
      list: db.prepare('SELECT * FROM credit_ledger WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?'),
      sum: db.prepare('SELECT COALESCE(sum(amount), 0) FROM credit_ledger WHERE account_id = ?').pluck(),
    };
  }

  async topUp(accountId: string, amount: number, kind: 'topup' | 'adjust', note: string | null, now: number): Promise<{ balance: number; entry: LedgerEntry }> {
    const entry: LedgerEntry = { id: `led_${kind}_${randomUUID()}`, accountId, messageId: null, kind, amount, note, createdAt: now };
    const balance = this.db.transaction(() => {
      this.stmts.add.run(amount, now, accountId);
      this.stmts.insert.run(entry.id, accountId, kind, amount, note, now);
      return this.stmts.balance.get(accountId) as number;
    })();
    this.onBalanceChanged();
    return { balance, entry };
  }

  async listLedger(accountId: string, limit: number): Promise<LedgerEntry[]> {
    return (this.stmts.list.all(accountId, limit) as LedgerRow[]).map(toEntry);
  }

  async balance(accountId: string): Promise<number | null> {
    return (this.stmts.balance.get(accountId) as number | null | undefined) ?? null;
  }

  async ledgerSum(accountId: string): Promise<number> {
    return this.stmts.sum.get(accountId) as number;
  }
}
