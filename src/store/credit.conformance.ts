/**
 * The credit ledger's conformance cases, run once per engine: every CreditStore method, and the fate of a message's
 * reservation (settled or refunded, once, never both) as dispatch's outcomes write it.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { seedMessages, seedTenant } from '../../test/helpers/outbox-rows.js';
import { returnRefund, SqlCredit, writeFate } from './sql/sql-credit.js';

export function describeCreditConformance(): void {
  describeEachEngine('CreditStore conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    let credit: SqlCredit;
    const changed = vi.fn();
    beforeEach(() => {
      changed.mockClear();
      credit = new SqlCredit(current().engine, changed);
    });
    const db = () => current().engine.db;

    it('tops up and corrects the balance with one ledger row each, an account off prepaid credit starting at 0', async () => {
      const { accountId } = await seedTenant(current().engine, now);
      expect(await credit.balance(accountId)).toBeNull();
      const top = await credit.topUp(accountId, 500, 'topup', 'invoice 1', now);
      expect(top).toEqual({ balance: 500, entry: { id: expect.stringMatching(/^led_topup_/), accountId, messageId: null, kind: 'topup', amount: 500, note: 'invoice 1', createdAt: now } });
      expect(changed).toHaveBeenCalledTimes(1);
      const fix = await credit.topUp(accountId, -200, 'adjust', null, now + 1);
      expect(fix.balance).toBe(300);
      expect(fix.entry).toMatchObject({ kind: 'adjust', amount: -200, note: null });
      expect(await credit.balance(accountId)).toBe(300);
      expect(await credit.ledgerSum(accountId)).toBe(300);
      expect((await db().selectFrom('accounts').select('updated_at').where('id', '=', accountId).executeTakeFirstOrThrow()).updated_at).toBe(now + 1);
    });

    it('lists the ledger newest first up to a limit, and answers nothing for an unknown account', async () => {
      const { accountId } = await seedTenant(current().engine, now, { credit: 0 });
      const entries = [];
      for (let i = 0; i < 3; i += 1) entries.push((await credit.topUp(accountId, i + 1, 'topup', null, now + i)).entry);
      expect(await credit.listLedger(accountId, 2)).toEqual([entries[2], entries[1]]);
      expect(await credit.listLedger(accountId, 10)).toHaveLength(3);
      expect(await credit.listLedger('acct_missing', 10)).toEqual([]);
      expect(await credit.balance('acct_missing')).toBeNull();
      expect(await credit.ledgerSum('acct_missing')).toBe(0);
    });

    it('sums the ledger with reservations and their fates, equal to the balance when nothing moved outside it', async () => {
      const tenant = await seedTenant(current().engine, now, { credit: 10 });
      const [a, b] = await seedMessages(current().engine, tenant, 2, { at: now, reserve: 3 });
      await db().updateTable('accounts').set({ credit: 4 }).where('id', '=', tenant.accountId).execute();
      await credit.topUp(tenant.accountId, 10, 'topup', null, now);
      expect(await credit.ledgerSum(tenant.accountId)).toBe(4);
      await current().engine.transaction(async (trx) => {
        await writeFate(trx, 'settle', [a!.messageId], now + 1).execute();
        await writeFate(trx, 'refund', [b!.messageId], now + 1).execute();
        await returnRefund(trx, b!.messageId).execute();
      });
      expect(await credit.ledgerSum(tenant.accountId)).toBe(7);
      expect(await credit.balance(tenant.accountId)).toBe(17);
    });

    it('settles or refunds a reservation once, never both, and returns only a refund to the balance', async () => {
      const tenant = await seedTenant(current().engine, now, { credit: 9 });
      const [first, second, unreserved] = await seedMessages(current().engine, tenant, 3, { at: now, reserve: 1 });
      await db().deleteFrom('credit_ledger').where('message_id', '=', unreserved!.messageId).execute();
      const fate = async (kind: 'settle' | 'refund', messageId: string, at: number) => {
        const result = await writeFate(db(), kind, [messageId], at).executeTakeFirst();
        const written = (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
        if (written && kind === 'refund') await returnRefund(db(), messageId).execute();
        return written;
      };
      expect(await fate('settle', first!.messageId, 1)).toBe(true);
      expect(await fate('refund', first!.messageId, 2)).toBe(false);
      expect(await fate('refund', second!.messageId, 3)).toBe(true);
      expect(await fate('refund', second!.messageId, 4)).toBe(false);
      expect(await fate('settle', second!.messageId, 5)).toBe(false);
      expect(await fate('settle', first!.messageId, 6)).toBe(false);
      expect(await fate('refund', unreserved!.messageId, 7)).toBe(false);
      expect(await credit.balance(tenant.accountId)).toBe(10);
      const kinds = await db().selectFrom('credit_ledger').select(['message_id', 'kind', 'amount', 'created_at']).where('account_id', '=', tenant.accountId).orderBy('id').execute();
      expect(kinds).toEqual([
        { message_id: second!.messageId, kind: 'refund', amount: 1, created_at: 3 },
        { message_id: first!.messageId, kind: 'reserve', amount: -1, created_at: now },
        { message_id: second!.messageId, kind: 'reserve', amount: -1, created_at: now },
        { message_id: first!.messageId, kind: 'settle', amount: 0, created_at: 1 },
      ]);
    });

    it('refunds to no balance when the account left prepaid credit meanwhile', async () => {
      const tenant = await seedTenant(current().engine, now, { credit: 5 });
      const [m] = await seedMessages(current().engine, tenant, 1, { at: now, reserve: 2 });
      await db().updateTable('accounts').set({ credit: null }).where('id', '=', tenant.accountId).execute();
      await writeFate(db(), 'refund', [m!.messageId], now).execute();
      await returnRefund(db(), m!.messageId).execute();
      expect(await credit.balance(tenant.accountId)).toBeNull();
    });
  });
}
