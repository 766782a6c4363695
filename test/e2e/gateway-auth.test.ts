/** Journeys through authentication: every auth error with its status and code, both header styles, request ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, type TestTenant } from '../helpers/gateway.js';

const text = { to: '4915112345678', type: 'template', template: { name: 'hello_world', language: 'en_US' } };

describe('authentication', () => {
  let gw: TestGateway;
  let tenant: TestTenant;
  beforeAll(async () => {
    gw = await startTestGateway();
    tenant = await gw.createTenant();
  });
  afterAll(() => gw.close());

  it('accepts X-API-Key and Authorization: Bearer', async () => {
    expect((await gw.call('POST', '/v1/messages', { key: tenant.key, body: text })).status).toBe(202);
    const bearer = await gw.call('POST', '/v1/messages', { headers: { authorization: `Bearer ${tenant.key}` }, body: text });
    expect(bearer.status).toBe(202);
  });

  it('answers 401 missing_api_key without a key, as problem+json with a request id', async () => {
    const res = await gw.call('POST', '/v1/messages', { body: text });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'missing_api_key', namespace: 'gateway', status: 401, type: '/v1/errors/gateway/missing_api_key' });
    expect(res.body.instance).toBe(res.headers.get('x-request-id'));
  });

  it('answers 401 invalid_api_key for unknown and revoked keys', async () => {
    expect((await gw.call('GET', '/v1/messages', { key: 'sb_acct_nope' })).body.code).toBe('invalid_api_key');
    const other = await gw.createTenant();
    const keys = await gw.call('GET', `/v1/admin/keys?account_id=${other.accountId}`, { key: gw.adminKey });
    expect((await gw.call('DELETE', `/v1/admin/keys/${keys.body.data[0].id}`, { key: gw.adminKey })).status).toBe(200);
    const res = await gw.call('GET', '/v1/messages', { key: other.key });
    expect([res.status, res.body.code]).toEqual([401, 'invalid_api_key']);
  });

  it('answers 403 account_disabled and account_expired', async () => {
    const t = await gw.createTenant();
    await gw.call('POST', `/v1/admin/accounts/${t.accountId}/disable`, { key: gw.adminKey });
    let res = await gw.call('POST', '/v1/messages', { key: t.key, body: text });
    expect([res.status, res.body.code]).toEqual([403, 'account_disabled']);
    await gw.call('POST', `/v1/admin/accounts/${t.accountId}/enable`, { key: gw.adminKey });
    await gw.call('PATCH', `/v1/admin/accounts/${t.accountId}`, { key: gw.adminKey, body: { expires_at: '2020-01-01T00:00:00Z' } });
    res = await gw.call('POST', '/v1/messages', { key: t.key, body: text });
    expect([res.status, res.body.code]).toEqual([403, 'account_expired']);
  });

  it('answers 403 ip_not_allowed outside the allow-list and lets allowed addresses in', async () => {
    const t = await gw.createTenant({ account: { ip_allow_list: ['10.0.0.0/8'] } });
    const res = await gw.call('POST', '/v1/messages', { key: t.key, body: text });
    expect([res.status, res.body.code]).toEqual([403, 'ip_not_allowed']);
    await gw.call('PATCH', `/v1/admin/accounts/${t.accountId}`, { key: gw.adminKey, body: { ip_allow_list: ['127.0.0.0/8', '::1'] } });
    expect((await gw.call('POST', '/v1/messages', { key: t.key, body: text })).status).toBe(202);
  });

  it('keeps admin and account keys to their own routes (403 forbidden)', async () => {
    expect((await gw.call('POST', '/v1/messages', { key: gw.adminKey, body: text })).body.code).toBe('forbidden');
    const res = await gw.call('GET', '/v1/admin/accounts', { key: tenant.key });
    expect([res.status, res.body.code]).toEqual([403, 'forbidden']);
  });

  it('answers 429 rate_limited with Retry-After over the account limit', async () => {
    const t = await gw.createTenant({ account: { rate_limit_per_second: 2 } });
    const answers = await Promise.all([1, 2, 3, 4].map(() => gw.call('GET', '/v1/messages', { key: t.key })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body.code).toBe('rate_limited');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('echoes a sane X-Request-Id and mints one otherwise', async () => {
    const given = await gw.call('GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const minted = await gw.call('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(minted.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('failed authentication per client address', () => {
  let gw: TestGateway;
  let tenant: TestTenant;
  beforeAll(async () => {
    // Addresses come from X-Forwarded-For, so one socket can play several clients.
    gw = await startTestGateway({ app: { authFailureLimits: { limit: 5, lockoutSeconds: 120 }, trustProxy: true } });
    tenant = await gw.createTenant();
  });
  afterAll(() => gw.close());
  const from = (address: string, key: string) => ({ key, headers: { 'x-forwarded-for': address } });

  it('answers 429 too_many_failed_auth with Retry-After once an address passed the limit, whatever key it then presents', async () => {
    const attacker = '203.0.113.5';
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await gw.call('GET', '/v1/admin/accounts', from(attacker, `sk_admin_wrong${i}`))).status);
    // Wrong account keys add up with wrong admin keys.
    answers.push((await gw.call('GET', '/v1/messages', from(attacker, 'sk_wrong_account_key'))).status);
    expect(answers).toEqual([401, 401, 401, 401, 401]);
    const locked = await gw.call('GET', '/v1/admin/accounts', from(attacker, 'sk_admin_wrong5'));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toContain('application/problem+json');
    expect(locked.body).toMatchObject({ code: 'too_many_failed_auth', namespace: 'gateway', status: 429 });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
    // The right key does not tell itself apart while the address is locked out.
    expect((await gw.call('GET', '/v1/admin/accounts', from(attacker, gw.adminKey))).status).toBe(429);
    expect((await gw.call('GET', '/v1/messages', from(attacker, tenant.key))).status).toBe(429);
  });

  it('never counts valid keys, and other addresses are not held up', async () => {
    const client = '198.51.100.9';
    for (let i = 0; i < 30; i++) expect((await gw.call('GET', '/v1/messages', from(client, tenant.key))).status).toBe(200);
    expect((await gw.call('GET', '/v1/admin/accounts', from(client, gw.adminKey))).status).toBe(200);
    expect((await gw.call('GET', '/v1/admin/accounts', from(client, 'sk_admin_typo'))).status).toBe(401);
    expect((await gw.call('GET', '/v1/admin/accounts', from(client, gw.adminKey))).status).toBe(200);
  });
});

