/**
 * The credit ledger, written once for every engine: top-ups and corrections with their rows, and the fate of a
 * message's reservation (domain/credit/ledger.ts) as statements its outcome runs inside its own transaction. The
 * accept transaction writes the reserve row as `led_reserve_<message id>`.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { FATE_RULES, type LedgerEntry, type LedgerKind, type MessageFate } from '../../domain/credit/ledger.js';
import type { CreditStore } from '../controls-store.js';
import type { CreditLedgerTable, Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

const toEntry = (r: Selectable<CreditLedgerTable>): LedgerEntry => ({
  id: r.id, accountId: r.account_id, messageId: r.message_id, kind: r.kind as LedgerKind, amount: r.amount, note: r.note, createdAt: r.created_at,
});

/**
 * Writes `fate`'s row for each of the messages that has a reservation and not the other fate yet; a second write of the
 * same fate changes nothing (its id is taken). Its affected rows say how many fates were written now. One statement
 * for a whole batch: the bench showed a statement per message costing more than the rest of a settle.
 */
export function writeFate(db: Kysely<Database>, fate: MessageFate, messageIds: readonly string[], now: number) {
  const rule = FATE_RULES[fate];
  return db.insertInto('credit_ledger')
    .columns(['id', 'account_id', 'message_id', 'kind', 'amount', 'note', 'created_at'])
    .expression((eb) => eb.selectFrom('credit_ledger as reserve')
      .select((s) => [
        sql<string>`${rule.idPrefix} || ${s.ref('reserve.message_id')}`.as('id'), 'reserve.account_id', 'reserve.message_id', s.val(fate).as('kind'),
        s('reserve.amount', '*', rule.reservationFactor).as('amount'), s.val(rule.note).as('note'), s.val(now).as('created_at'),
      ])
      .where('reserve.message_id', 'in', messageIds).where('reserve.kind', '=', 'reserve')
      .where(({ not, exists, selectFrom }) => not(exists(
        selectFrom('credit_ledger as other').select('other.id').whereRef('other.message_id', '=', 'reserve.message_id').where('other.kind', '=', rule.excludedBy)))))
    .onConflict((oc) => oc.doNothing());
}

/** Gives a just-written refund's (or `free` row's) amount back to the account's balance (an account still on prepaid credit). */
export function returnRefund(db: Kysely<Database>, messageId: string, kind: 'refund' | 'free' = 'refund') {
  return db.updateTable('accounts')
    .set((eb) => ({
      credit: eb('credit', '+', eb.selectFrom('credit_ledger').select('amount').where('message_id', '=', messageId).where('kind', '=', kind)),
    }))
    .where('id', '=', (eb) => eb.selectFrom('credit_ledger').select('account_id').where('message_id', '=', messageId).where('kind', '=', kind))
    .where('credit', 'is not', null);
}

/**
 * Refunds the reservations of messages that have just ended unsent (failed, expired, canceled): the refund rows, then
 * each amount back to its balance. Only for messages whose ending was decided in this same transaction, so none of
 * them can have been refunded before.
 */
export async function refundReservations(db: Kysely<Database>, messageIds: readonly string[], now: number): Promise<void> {
  if (messageIds.length === 0) return;
  const refund = await writeFate(db, 'refund', messageIds, now).executeTakeFirst();
  if ((refund.numInsertedOrUpdatedRows ?? 0n) === 0n) return;
  for (const id of messageIds) await returnRefund(db, id).execute();
}

export class SqlCredit implements CreditStore {
  constructor(
    private readonly engine: SqlEngine,
    /** A top-up changed an account row that a read cache may hold. */
    private readonly onBalanceChanged: () => void,
  ) {}

  async topUp(accountId: string, amount: number, kind: 'topup' | 'adjust', note: string | null, now: number): Promise<{ balance: number; entry: LedgerEntry }> {
    const entry: LedgerEntry = { id: `led_${kind}_${randomUUID()}`, accountId, messageId: null, kind, amount, note, createdAt: now };
    const db = this.engine.db;
    const [added] = await this.engine.runAtomically([
      db.updateTable('accounts').set((eb) => ({ credit: eb(eb.fn.coalesce('credit', eb.val(0)), '+', amount), updated_at: now }))
        .where('id', '=', accountId).returning('credit').compile(),
      db.insertInto('credit_ledger').values({ id: entry.id, account_id: accountId, message_id: null, kind, amount, note, created_at: now }).compile(),
    ]);
    this.onBalanceChanged();
    const row = added?.rows[0] as { credit: number } | undefined;
    return { balance: row?.credit ?? 0, entry };
  }

  async listLedger(accountId: string, limit: number): Promise<LedgerEntry[]> {
    const rows = await this.engine.db.selectFrom('credit_ledger').selectAll().where('account_id', '=', accountId)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEntry);
  }

  async balance(accountId: string): Promise<number | null> {
    const row = await this.engine.db.selectFrom('accounts').select('credit').where('id', '=', accountId).executeTakeFirst();
    return row?.credit ?? null;
  }

  async ledgerSum(accountId: string): Promise<number> {
    const row = await this.engine.db.selectFrom('credit_ledger').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.val(0)).as('sum'))
      .where('account_id', '=', accountId).executeTakeFirstOrThrow();
    // PostgreSQL sums BIGINTs as NUMERIC, which arrives as text.
    return Number(row.sum);
  }
}
