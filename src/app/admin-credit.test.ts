/** The credit and control use cases on a real SQLite store: every balance change is a ledger row, controls are checked. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/helpers/temp-store.js';
import { refusalOf } from '../../test/helpers/refusal.js';
import { createAccount, updateAccount } from './admin-accounts.js';
import { readControls, setPrices, updateControls } from './admin-controls.js';
import { moveCredit, readLedger } from './admin-credit.js';

describe('credit and controls', () => {
  let t: TempStore;
  let accountId: string;
  const now = Date.parse('2026-06-01T12:00:00Z');
  beforeEach(async () => {
    t = await openTempStore();
    accountId = (await createAccount(t.store, { name: 'acme', credit: 10 }, now)).id;
  });
  afterEach(() => t.dispose());

  it('writes every movement to the ledger: set balance, top-up, correction; drift stays 0', async () => {
    expect((await moveCredit(t.store, accountId, { amount: 5 }, now)).entry).toMatchObject({ kind: 'topup', amount: 5 });
    expect((await moveCredit(t.store, accountId, { amount: -3, note: 'refund' }, now)).entry).toMatchObject({ kind: 'adjust', amount: -3, note: 'refund' });
    await updateAccount(t.store, accountId, { credit: 4 }, now);
    const ledger = await readLedger(t.store, accountId, 10);
    expect([ledger.balance, ledger.ledgerSum, ledger.drift, ledger.entries.length]).toEqual([4, 4, 0, 4]);
  });

  it.each([
    ['a zero amount', 0],
    ['a correction below zero', -11],
    ['an amount past the ceiling', 1_000_000_000_001],
  ])('refuses %s and writes nothing', async (_name, amount) => {
    expect(await refusalOf(moveCredit(t.store, accountId, { amount }, now))).toEqual({ code: 'invalid_request', field: 'amount' });
    expect((await readLedger(t.store, accountId, 10)).entries).toHaveLength(1);
  });

  it('changes controls, keeping what was left out, and refuses values out of range', async () => {
    await updateControls(t.store, accountId, { requestIntervalSeconds: 30, blockedPaths: ['/v1/media*'] }, now);
    const { controls } = await updateControls(t.store, accountId, { prepaidExpiresAt: '2027-01-01T00:00:00Z' }, now);
    expect(controls).toMatchObject({ requestIntervalMs: 30_000, blockedPaths: ['/v1/media*'], prepaidExpiresAt: Date.parse('2027-01-01T00:00:00Z') });
    expect(await refusalOf(updateControls(t.store, accountId, { messagingTier: 7 }, now))).toEqual({ code: 'invalid_request', field: 'messaging_tier' });
    expect(await refusalOf(updateControls(t.store, accountId, { spamThreshold: 0 }, now))).toEqual({ code: 'invalid_request', field: 'spam_threshold' });
    expect(await refusalOf(updateControls(t.store, accountId, { prepaidExpiresAt: 'later' }, now))).toEqual({ code: 'invalid_request', field: 'prepaid_expires_at' });
  });

  it('replaces prices, `*` when no country is named', async () => {
    await setPrices(t.store, accountId, [{ category: 'marketing', price: 3 }, { category: 'utility', country: 'DE', price: 2 }]);
    expect((await readControls(t.store, accountId)).prices).toEqual(expect.arrayContaining([
      { category: 'marketing', country: '*', price: 3 }, { category: 'utility', country: 'DE', price: 2 },
    ]));
    expect(await refusalOf(setPrices(t.store, accountId, [{ category: 'gifts', price: 1 }]))).toEqual({ code: 'invalid_request', field: 'category' });
    expect(await refusalOf(setPrices(t.store, 'acct_nope', []))).toEqual({ code: 'not_found', field: undefined });
  });
});
