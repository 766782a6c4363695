/**
 * The conformance cases of the account port (accounts, API keys, phone numbers), run once per engine from this one
 * set: every method, through the shared implementation each store uses.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { hashSecret, issueKey } from './api-keys.js';
import { createSecretBox } from './secret-box.js';
import { SqlAccounts } from './sql/sql-accounts.js';

export function describeAccountStoreConformance(): void {
  describeEachEngine('AccountStore conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    let accounts: SqlAccounts;
    beforeEach(() => {
      accounts = new SqlAccounts(current().engine, { secrets: createSecretBox('account-conformance-secret') });
    });
    let serial = 0;
    const metaId = () => `${now}${String((serial += 1)).padStart(4, '0')}`;

    it('creates accounts with their defaults, reads, lists and patches them', async () => {
      const plain = await accounts.createAccount({ name: 'plain' }, now);
      expect(plain).toEqual({
        id: expect.stringMatching(/^acct_/), name: 'plain', state: 'active', expiresAt: null, ipAllowList: [],
        rateLimitPerSecond: null, credit: null, defaultNumberId: null, createdAt: now, updatedAt: now,
        deliveryDefaults: { priority: 'normal', validitySeconds: null },
      });
      const full = await accounts.createAccount(
        { name: 'full', state: 'disabled', expiresAt: now + 5, ipAllowList: ['10.0.0.0/8'], rateLimitPerSecond: 7, credit: 2 ** 40 },
        now + 1,
      );
      expect(await accounts.getAccount(full.id)).toEqual(full);
      expect(full).toMatchObject({ state: 'disabled', expiresAt: now + 5, ipAllowList: ['10.0.0.0/8'], rateLimitPerSecond: 7, credit: 2 ** 40 });
      // A patch changes what it names (null included) and nothing else; the cached read sees it at once.
      const patched = await accounts.updateAccount(full.id, { expiresAt: null, ipAllowList: ['192.0.2.1'], credit: 3 }, now + 2);
      expect(patched).toEqual({ ...full, expiresAt: null, ipAllowList: ['192.0.2.1'], credit: 3, updatedAt: now + 2 });
      expect(await accounts.getAccount(full.id)).toEqual(patched);
      expect(await accounts.updateAccount('acct_missing', { name: 'x' }, now)).toBeUndefined();
      expect(await accounts.getAccount('acct_missing')).toBeUndefined();
      const lanes = await accounts.updateAccount(full.id, { defaultPriority: 'bulk', defaultValiditySeconds: 600 }, now + 3);
      expect(lanes?.deliveryDefaults).toEqual({ priority: 'bulk', validitySeconds: 600 });
      const back = await accounts.updateAccount(full.id, { defaultPriority: 'normal', defaultValiditySeconds: null }, now + 2);
      expect(back).toEqual(patched);
      const listed = (await accounts.listAccounts()).filter((a) => a.id === plain.id || a.id === full.id);
      expect(listed).toEqual(plain.id < full.id ? [plain, patched] : [patched, plain]);
    });

    it('finds keys by hash only, lists them by account and kind, revokes them once and counts the active ones', async () => {
      const account = await accounts.createAccount({ name: 'keys' }, now);
      const activeAdmins = await accounts.countActiveKeys('admin');
      const { record, secret } = await issueKey(accounts, { kind: 'account', accountId: account.id, name: 'n' }, now);
      const admin = await issueKey(accounts, { kind: 'admin', accountId: null, name: 'ops' }, now);
      expect(await accounts.findKeyByHash(hashSecret(secret))).toEqual({ ...record, secretHash: hashSecret(secret) });
      expect(await accounts.findKeyByHash(hashSecret('sk_unknown'))).toBeUndefined();
      expect(await accounts.listKeys({ accountId: account.id })).toEqual([record]);
      expect(await accounts.listKeys({ accountId: account.id, kind: 'admin' })).toEqual([]);
      expect((await accounts.listKeys({ kind: 'admin' })).map((k) => k.id)).toContain(admin.record.id);
      expect(JSON.stringify(await accounts.listKeys({}))).not.toContain(secret);
      expect(await accounts.countActiveKeys('admin')).toBe(activeAdmins + 1);
      expect(await accounts.revokeKey(record.id, now + 1)).toEqual({ ...record, revokedAt: now + 1 });
      expect((await accounts.findKeyByHash(hashSecret(secret)))?.revokedAt).toBe(now + 1);
      expect((await accounts.revokeKey(record.id, now + 2))?.revokedAt).toBe(now + 1);
      expect(await accounts.revokeKey('key_missing', now)).toBeUndefined();
      await accounts.revokeKey(admin.record.id, now + 1);
      expect(await accounts.countActiveKeys('admin')).toBe(activeAdmins);
    });

    it('keeps access tokens sealed, finds numbers by either id and lists them by account', async () => {
      const account = await accounts.createAccount({ name: 'numbers' }, now);
      const number = await accounts.createNumber({ phoneNumberId: metaId(), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id, accessToken: 'EAAplain' }, now);
      expect(number).toMatchObject({ registration: 'registered', maxMps: 80, hasAccessToken: true, disconnected: false, accountId: account.id, createdAt: now });
      const bare = await accounts.createNumber({ phoneNumberId: metaId(), displayPhoneNumber: '+2', wabaId: 'w', maxMps: 1000, registration: 'pending' }, now);
      expect(bare).toMatchObject({ accountId: null, hasAccessToken: false, maxMps: 1000, registration: 'pending' });
      expect(await accounts.getAccessToken(number.id)).toBe('EAAplain');
      expect(await accounts.getAccessToken(bare.id)).toBeUndefined();
      const stored = await current().engine.db.selectFrom('phone_numbers').select('access_token_sealed').where('id', '=', number.id).executeTakeFirstOrThrow();
      expect(stored.access_token_sealed).not.toContain('EAAplain');
      expect(await accounts.getNumber(number.id)).toEqual(number);
      expect(await accounts.findNumber(number.phoneNumberId)).toEqual(number);
      expect(await accounts.findNumber(number.id)).toEqual(number);
      expect(await accounts.findNumber('nothing')).toBeUndefined();
      expect(await accounts.listNumbers({ accountId: account.id })).toEqual([number]);
      expect((await accounts.listNumbers({})).map((n) => n.id)).toEqual(expect.arrayContaining([number.id, bare.id]));
    });

    it('patches numbers: a number moved away stops being its old account\u2019s default', async () => {
      const first = await accounts.createAccount({ name: 'a' }, now);
      const second = await accounts.createAccount({ name: 'b' }, now);
      const number = await accounts.createNumber({ phoneNumberId: metaId(), displayPhoneNumber: '+1', wabaId: 'w', accountId: first.id }, now);
      await accounts.updateAccount(first.id, { defaultNumberId: number.id }, now);
      expect(await accounts.getNumber(number.id)).toMatchObject({ hasAccessToken: false });
      const retokened = await accounts.updateNumber(number.id, { accessToken: 'EAAnew', maxMps: 200 }, now + 1);
      expect(retokened).toMatchObject({ hasAccessToken: true, maxMps: 200, updatedAt: now + 1, accountId: first.id });
      expect(await accounts.getAccessToken(number.id)).toBe('EAAnew');
      expect((await accounts.getAccount(first.id))?.defaultNumberId).toBe(number.id);
      const moved = await accounts.updateNumber(number.id, { accountId: second.id }, now + 2);
      expect(moved?.accountId).toBe(second.id);
      expect((await accounts.getAccount(first.id))?.defaultNumberId).toBeNull();
      await accounts.updateAccount(second.id, { defaultNumberId: number.id }, now + 3);
      // Staying with its account keeps it that account's default.
      await accounts.updateNumber(number.id, { accountId: second.id, displayPhoneNumber: '+9' }, now + 4);
      expect((await accounts.getAccount(second.id))?.defaultNumberId).toBe(number.id);
      expect(await accounts.updateNumber('num_missing', { maxMps: 1 }, now)).toBeUndefined();
    });

    it('resumes a number paused for its token in the same write as the new token, and reconnects its account once no number of it is paused', async () => {
      const { db } = current().engine;
      const account = await accounts.createAccount({ name: 'paused' }, now);
      const first = await accounts.createNumber({ phoneNumberId: metaId(), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id }, now);
      const second = await accounts.createNumber({ phoneNumberId: metaId(), displayPhoneNumber: '+2', wabaId: 'w', accountId: account.id }, now);
      // What Meta's refusal of both tokens left behind (the dispatcher's hold).
      await db.updateTable('phone_numbers').set({ paused: 1, hold_error: '{}' }).where('account_id', '=', account.id).execute();
      await db.updateTable('accounts').set({ disconnected_at: now }).where('id', '=', account.id).execute();
      const stateOf = async () => ({
        paused: (await db.selectFrom('phone_numbers').select(['id', 'paused']).where('account_id', '=', account.id).orderBy('id').execute()).map((r) => r.paused),
        disconnected: (await db.selectFrom('accounts').select('disconnected_at').where('id', '=', account.id).executeTakeFirstOrThrow()).disconnected_at,
        events: (await db.selectFrom('events').select(['type', 'subject_id', 'payload']).where('account_id', '=', account.id).execute()),
      });
      const ordered = [first.id, second.id].sort();
      await accounts.updateNumber(first.id, { accessToken: 'EAAfirst' }, now + 1);
      const afterFirst = await stateOf();
      expect(afterFirst.paused).toEqual(ordered.map((id) => (id === first.id ? 0 : 1)));
      expect(afterFirst.disconnected).toBe(now);
      expect(afterFirst.events).toEqual([]);
      await accounts.updateNumber(second.id, { accessToken: 'EAAsecond' }, now + 2);
      const afterBoth = await stateOf();
      expect(afterBoth.paused).toEqual([0, 0]);
      expect(afterBoth.disconnected).toBeNull();
      expect(afterBoth.events).toEqual([{ type: 'account.reconnected', subject_id: second.id, payload: JSON.stringify({ number_id: second.id }) }]);
      // A token replaced on a number that was not paused changes neither the account nor its events.
      await accounts.updateNumber(second.id, { accessToken: 'EAAthird' }, now + 3);
      expect(await stateOf()).toEqual(afterBoth);
    });

    it('deletes a number and with it its place as an account\u2019s default', async () => {
      const account = await accounts.createAccount({ name: 'd' }, now);
      const number = await accounts.createNumber({ phoneNumberId: metaId(), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id }, now);
      await accounts.updateAccount(account.id, { defaultNumberId: number.id }, now);
      expect(await accounts.findNumber(number.phoneNumberId)).toEqual(number);
      expect(await accounts.deleteNumber(number.id)).toBe(true);
      expect(await accounts.findNumber(number.phoneNumberId)).toBeUndefined();
      expect(await accounts.getNumber(number.id)).toBeUndefined();
      expect((await accounts.getAccount(account.id))?.defaultNumberId).toBeNull();
      expect(await accounts.deleteNumber(number.id)).toBe(false);
    });
  });
}
