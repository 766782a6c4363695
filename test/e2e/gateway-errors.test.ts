/** The catalog over HTTP, over real sockets: a code without namespace is found in every namespace, and `?code=` filters. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/catalog/catalog.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ids = (entries: Array<{ namespace: string; code: number | string }>) => entries.map((e) => `${e.namespace}/${e.code}`);

describe('GET /v1/errors', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('finds a code without its namespace, Meta first, as `switchboard explain` does', async () => {
    const answer = await gw.call('GET', '/v1/errors/131047');
    expect(answer.status).toBe(200);
    expect(ids(answer.body.data)[0]).toBe('meta/131047');
    expect(ids(answer.body.data)).toEqual(ids(explain('131047')));
    expect(ids((await gw.call('GET', '/v1/errors/outside_service_window')).body.data)[0]).toBe('gateway/outside_service_window');
    expect(ids((await gw.call('GET', `/v1/errors/${encodeURIComponent('Re-engagement message')}`)).body.data)).toContain('meta/131047');
  });

  it('answers not_found as problem+json when nothing matches', async () => {
    const answer = await gw.call('GET', '/v1/errors/no-such-error-anywhere');
    expect([answer.status, answer.body.code]).toEqual([404, 'not_found']);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('filters by ?code= in every namespace, and by namespace too when both are given', async () => {
    const all = (await gw.call('GET', '/v1/errors')).body.data;
    const byCode = (await gw.call('GET', '/v1/errors?code=131047')).body.data;
    expect(ids(byCode)[0]).toBe('meta/131047');
    expect(byCode.length).toBeLessThan(all.length);
    for (const e of byCode) expect([String(e.code), String(e.graph_code), ...e.aliases.map((a: { code?: string }) => a.code)]).toContain('131047');
    expect(ids((await gw.call('GET', '/v1/errors?code=2')).body.data)).toEqual(expect.arrayContaining(['meta/2', 'sms/2']));
    expect(ids((await gw.call('GET', '/v1/errors?code=131047&namespace=gateway')).body.data)).not.toContain('meta/131047');
    expect((await gw.call('GET', '/v1/errors?code=no_such_code')).body.data).toEqual([]);
  });

  it('still reads one entry by namespace and code', async () => {
    expect((await gw.call('GET', '/v1/errors/meta/131047')).body).toMatchObject({ namespace: 'meta', code: 131047, http_status: 400 });
  });
});
