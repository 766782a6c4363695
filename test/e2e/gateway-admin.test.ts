/** The admin API (accounts, keys, numbers) over HTTP, and the same operations through the `switchboard` CLI with --json. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { startTestGateway, uniqueDigits, type TestGateway } from '../helpers/gateway.js';
import { testDatabaseUrl, withTestDatabase } from '../helpers/test-database.js';

describe('admin API', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());
  const admin = (method: string, path: string, body?: unknown) => gw.call(method, path, { key: gw.adminKey, ...(body === undefined ? {} : { body }) });

  it('creates, lists, updates and disables accounts', async () => {
    const created = await admin('POST', '/v1/admin/accounts', { name: 'acme', credit: 5, rate_limit_per_second: 10, ip_allow_list: ['10.0.0.0/8'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^acct_/), state: 'active', credit: 5, rate_limit_per_second: 10 });
    expect((await admin('GET', '/v1/admin/accounts')).body.data.map((a: { id: string }) => a.id)).toContain(created.body.id);
    const updated = await admin('PATCH', `/v1/admin/accounts/${created.body.id}`, { name: 'acme 2', credit: null, expires_at: '2099-01-01T00:00:00Z' });
    expect(updated.body).toMatchObject({ name: 'acme 2', credit: null, expires_at: '2099-01-01T00:00:00.000Z' });
    expect((await admin('POST', `/v1/admin/accounts/${created.body.id}/disable`)).body.state).toBe('disabled');
    expect((await admin('GET', '/v1/admin/accounts/acct_nope')).body.code).toBe('not_found');
    const bad = await admin('PATCH', `/v1/admin/accounts/${created.body.id}`, { ip_allow_list: ['example.com'] });
    expect([bad.status, bad.body.code, bad.body.field]).toEqual([400, 'invalid_request', 'ip_allow_list']);
    const unknownField = await admin('POST', '/v1/admin/accounts', { name: 'x', plan: 'gold' });
    expect(unknownField.body.code).toBe('invalid_request');
    expect((await admin('POST', '/v1/admin/accounts', {})).body).toMatchObject({ code: 'missing_required_field', field: 'name' });
  });

  it('refuses a key whose account_id is null or empty, and creates no key', async () => {
    const before = (await admin('GET', '/v1/admin/keys')).body.data.length;
    for (const body of [{ account_id: null }, { account_id: '' }, { kind: 'account', account_id: null }, { kind: 'admin', account_id: null }]) {
      const answer = await admin('POST', '/v1/admin/keys', body);
      expect([answer.status, answer.body.code, answer.body.field], JSON.stringify(body)).toEqual([400, 'invalid_request', 'account_id']);
    }
    expect((await admin('GET', '/v1/admin/keys')).body.data.length).toBe(before);
  });

  it('creates keys shown once, lists them without secrets, revokes them', async () => {
    const account = (await admin('POST', '/v1/admin/accounts', { name: 'keys' })).body;
    const key = await admin('POST', '/v1/admin/keys', { account_id: account.id, name: 'ci' });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^sb_acct_/);
    expect(key.body.prefix).toBe(key.body.key.slice(0, 12));
    const listed = await admin('GET', `/v1/admin/keys?account_id=${account.id}`);
    expect(JSON.stringify(listed.body)).not.toContain(key.body.key);
    const adminKey = await admin('POST', '/v1/admin/keys', { kind: 'admin' });
    expect(adminKey.body.key).toMatch(/^sb_admin_/);
    expect((await gw.call('GET', '/v1/admin/accounts', { key: adminKey.body.key })).status).toBe(200);
    expect((await admin('DELETE', `/v1/admin/keys/${adminKey.body.id}`)).body.revoked_at).not.toBeNull();
    expect((await gw.call('GET', '/v1/admin/accounts', { key: adminKey.body.key })).body.code).toBe('invalid_api_key');
    expect((await admin('POST', '/v1/admin/keys', { account_id: 'acct_nope' })).body.code).toBe('not_found');
    expect((await admin('POST', '/v1/admin/keys', { kind: 'account' })).body.code).toBe('missing_required_field');
  });

  it('adds, updates, assigns and removes numbers; tokens never leave', async () => {
    const a = (await admin('POST', '/v1/admin/accounts', { name: 'numbers' })).body;
    const pnid = uniqueDigits('10');
    const added = await admin('POST', '/v1/admin/numbers', { phone_number_id: pnid, display_phone_number: '+1 555 0100', waba_id: '77', access_token: 'EAAsecret', max_mps: 80 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ phone_number_id: pnid, account_id: null, registration: 'registered', has_access_token: true });
    expect(JSON.stringify(added.body)).not.toContain('EAAsecret');
    expect(await gw.store.getAccessToken(added.body.id)).toBe('EAAsecret');
    expect((await admin('POST', '/v1/admin/numbers', { phone_number_id: pnid, display_phone_number: 'x', waba_id: '77' })).body.code).toBe('conflict');
    const assigned = await admin('PATCH', `/v1/admin/numbers/${pnid}`, { account_id: a.id, max_mps: 1000 });
    expect(assigned.body).toMatchObject({ account_id: a.id, max_mps: 1000 });
    expect((await admin('PATCH', `/v1/admin/accounts/${a.id}`, { default_number_id: pnid })).body.default_number_id).toBe(added.body.id);
    // Moving the number away clears the old account's default.
    const b = (await admin('POST', '/v1/admin/accounts', { name: 'other' })).body;
    await admin('PATCH', `/v1/admin/numbers/${added.body.id}`, { account_id: b.id });
    expect((await admin('GET', `/v1/admin/accounts/${a.id}`)).body.default_number_id).toBeNull();
    expect((await admin('DELETE', `/v1/admin/numbers/${added.body.id}`)).status).toBe(204);
    expect((await admin('GET', `/v1/admin/numbers/${added.body.id}`)).body.code).toBe('not_found');
  });
});

describe('admin CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  const run = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [resolve(import.meta.dirname, '../../bin/switchboard.js'), ...args], {
      env: { ...process.env, ...withTestDatabase({ SWITCHBOARD_DATA_DIR: dataDir }) },
    });
    return stdout;
  };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates an account, a number and a key with --json, acting on the configured store', async () => {
    const account = JSON.parse(await run('accounts', 'create', 'cli-co', '--credit', '3', '--json')) as { id: string; credit: number };
    expect(account.credit).toBe(3);
    const number = JSON.parse(await run('numbers', 'add', '--phone-number-id', '123', '--display', '+1 555 0100', '--waba-id', '9', '--account', account.id, '--json')) as { account_id: string };
    expect(number.account_id).toBe(account.id);
    const key = JSON.parse(await run('keys', 'create', '--account', account.id, '--json')) as { key: string; id: string };
    expect(key.key).toMatch(/^sb_acct_/);
    const revoked = JSON.parse(await run('keys', 'revoke', key.id, '--json')) as { revoked_at: string | null };
    expect(revoked.revoked_at).not.toBeNull();
    expect(await run('accounts', '--help')).toMatch(/create/);
    // The balance the CLI set went through the credit ledger.
    const store = await openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir), secretKey: undefined });
    try {
      expect(await store.credit.ledgerSum(account.id)).toBe(3);
    } finally {
      await store.close();
    }
  }, 60_000);
});
