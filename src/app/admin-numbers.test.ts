/** The number and key use cases on a real SQLite store. */
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../test/helpers/temp-store.js';
import { refusalOf } from '../../test/helpers/refusal.js';
import { createAccount } from './admin-accounts.js';
import { createKey, revokeKey } from './admin-keys.js';
import { addNumber, assignNumber, removeNumber, updateNumber } from './admin-numbers.js';

describe('number use cases', () => {
  const t = useTempStore();
  const now = Date.parse('2026-06-01T12:00:00Z');
  const add = (changes: object = {}) => addNumber(t.store, { phoneNumberId: '1555', displayPhoneNumber: '+1 555', wabaId: 'w', ...changes }, now);

  it.each([
    ['a speed of 0', { maxMps: 0 }, 'max_mps'],
    ['a speed above what Meta allows', { maxMps: 5000 }, 'max_mps'],
    ['an unknown registration state', { registration: 'maybe' }, 'registration'],
  ])('refuses %s on add and on update', async (_name, changes, field) => {
    expect(await refusalOf(add(changes))).toEqual({ code: 'invalid_request', field });
    expect(await t.store.listNumbers({})).toEqual([]);
    const number = await add();
    expect(await refusalOf(updateNumber(t.store, number.id, changes, now))).toEqual({ code: 'invalid_request', field });
    expect(await t.store.findNumber(number.id)).toEqual(number);
  });

  it('refuses a phone_number_id already taken and an account that does not exist', async () => {
    await add();
    expect(await refusalOf(add())).toEqual({ code: 'conflict', field: 'phone_number_id' });
    expect(await refusalOf(addNumber(t.store, { phoneNumberId: '1556', displayPhoneNumber: 'x', wabaId: 'w', accountId: 'acct_nope' }, now)))
      .toEqual({ code: 'not_found', field: 'account_id' });
  });

  it('assigns a number as the account default, and removes it', async () => {
    const account = await createAccount(t.store, { name: 'acme' }, now);
    const number = await add();
    expect((await assignNumber(t.store, '1555', account.id, { makeDefault: true }, now)).accountId).toBe(account.id);
    expect((await t.store.getAccount(account.id))?.defaultNumberId).toBe(number.id);
    expect(await removeNumber(t.store, number.id)).toEqual({ id: number.id });
    expect(await refusalOf(removeNumber(t.store, number.id))).toEqual({ code: 'not_found', field: undefined });
  });
});

describe('key use cases', () => {
  const t = useTempStore();

  it('issues account and admin keys by the same rules for every caller', async () => {
    const account = await createAccount(t.store, { name: 'acme' }, 1);
    expect(await refusalOf(createKey(t.store, { kind: 'account' }, 1))).toEqual({ code: 'missing_required_field', field: 'account_id' });
    expect(await refusalOf(createKey(t.store, { kind: 'admin', accountId: account.id }, 1))).toEqual({ code: 'invalid_request', field: 'account_id' });
    expect(await refusalOf(createKey(t.store, { accountId: 'acct_nope' }, 1))).toEqual({ code: 'not_found', field: 'account_id' });
    expect(await refusalOf(createKey(t.store, { kind: 'root' }, 1))).toEqual({ code: 'invalid_request', field: 'kind' });
    const { record, secret } = await createKey(t.store, { accountId: account.id }, 1);
    expect([record.kind, secret]).toEqual(['account', expect.stringMatching(/^sb_acct_/)]);
    expect((await revokeKey(t.store, record.id, 2)).revokedAt).toBe(2);
    expect(await refusalOf(revokeKey(t.store, 'key_nope', 2))).toEqual({ code: 'not_found', field: undefined });
    expect(await t.store.listKeys({})).toHaveLength(1);
  });
});
