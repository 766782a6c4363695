/** The account use cases on a real SQLite store: the rules both the admin API and the CLI now apply. */
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../test/helpers/temp-store.js';
import { refusalOf } from '../../test/helpers/refusal.js';
import { MAX_CREDIT } from '../domain/bounds.js';
import { createAccount, readAccount, setAccountState, updateAccount } from './admin-accounts.js';
import { addNumber } from './admin-numbers.js';

describe('account use cases', () => {
  const t = useTempStore();
  const now = Date.parse('2026-06-01T12:00:00Z');

  it('sets a balance through the credit ledger, so the ledger sums to it', async () => {
    const account = await createAccount(t.store, { name: 'acme', credit: 7 }, now);
    expect(account.credit).toBe(7);
    await updateAccount(t.store, account.id, { credit: 3 }, now);
    expect([await t.store.credit.balance(account.id), await t.store.credit.ledgerSum(account.id)]).toEqual([3, 3]);
  });

  it.each([
    ['a rate limit of 0', { rateLimitPerSecond: 0 }, 'rate_limit_per_second'],
    ['credit above the ceiling', { credit: MAX_CREDIT + 1 }, 'credit'],
    ['negative credit', { credit: -1 }, 'credit'],
    ['an allow-list entry that is no address', { ipAllowList: ['example.com'] }, 'ip_allow_list'],
    ['an unknown state', { state: 'frozen' }, 'state'],
    ['an expiry that is no time', { expiresAt: 'soon' }, 'expires_at'],
  ])('refuses %s with invalid_request on its field and changes nothing', async (_name, changes, field) => {
    const account = await createAccount(t.store, { name: 'acme', rateLimitPerSecond: 5 }, now);
    expect(await refusalOf(updateAccount(t.store, account.id, changes, now + 1))).toEqual({ code: 'invalid_request', field });
    expect(await readAccount(t.store, account.id)).toEqual(account);
    expect(await refusalOf(createAccount(t.store, { name: 'other', ...changes }, now))).toEqual({ code: 'invalid_request', field });
  });

  it('takes a default number only once it is assigned to the account', async () => {
    const account = await createAccount(t.store, { name: 'acme' }, now);
    const number = await addNumber(t.store, { phoneNumberId: '1555', displayPhoneNumber: '+1 555', wabaId: 'w' }, now);
    expect(await refusalOf(updateAccount(t.store, account.id, { defaultNumber: '1555' }, now))).toEqual({ code: 'invalid_request', field: 'default_number_id' });
    await t.store.updateNumber(number.id, { accountId: account.id }, now);
    expect((await updateAccount(t.store, account.id, { defaultNumber: '1555' }, now)).defaultNumberId).toBe(number.id);
  });

  it('answers not_found for an account that does not exist', async () => {
    expect(await refusalOf(updateAccount(t.store, 'acct_nope', { name: 'x' }, now))).toEqual({ code: 'not_found', field: undefined });
    expect(await refusalOf(setAccountState(t.store, 'acct_nope', 'disabled', now))).toEqual({ code: 'not_found', field: undefined });
  });
});
