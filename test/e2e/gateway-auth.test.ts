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
