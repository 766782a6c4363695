/**
 * Numbers in requests over real sockets: non-finite, huge, negative and fractional values are refused with
 * `invalid_request` on every numeric field and listing `limit`, and a refused request changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { FINITE_KEYWORD } from '../../src/http/schemas/numbers.js';
import { useGatewayWithTenant, type HttpAnswer } from '../helpers/gateway.js';

const NOT_NUMBERS = ['1e999', 'Infinity', '-1e999'];
const OUT_OF_BOUNDS = ['1e300', '-5', '2.5'];

function expectRefused(answer: HttpAnswer, field: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ code: 'invalid_request', field });
}

describe('numbers in requests', () => {
  const ctx = useGatewayWithTenant({ account: { credit: 10 } });
  const admin = (method: string, path: string, body?: unknown) => ctx.gw.call(method, path, { key: ctx.gw.adminKey, ...(body === undefined ? {} : { body }) });

  it('refuses a webhook endpoint whose rate is not a finite number in bounds, and creates nothing', async () => {
    for (const value of [...NOT_NUMBERS, ...OUT_OF_BOUNDS, '10001']) {
      const answer = await ctx.gw.call('POST', '/v1/webhooks', { key: ctx.tenant.key, body: { url: 'https://example.com/hook', rate_limit_per_second: value } });
      expectRefused(answer, 'rate_limit_per_second');
    }
    const listed = await ctx.gw.call('GET', '/v1/webhooks', { key: ctx.tenant.key });
    expect([listed.status, listed.body.data]).toEqual([200, []]);
  });

  it('refuses admin account and control numbers that are not finite or out of bounds, and the tenant keeps working', async () => {
    const accountPath = `/v1/admin/accounts/${ctx.tenant.accountId}`;
    for (const field of ['credit', 'rate_limit_per_second'])
      for (const value of [...NOT_NUMBERS, ...OUT_OF_BOUNDS]) expectRefused(await admin('PATCH', accountPath, { [field]: value }), field);
    for (const field of ['requests_per_minute', 'request_interval_seconds', 'spam_threshold'])
      for (const value of [...NOT_NUMBERS, ...OUT_OF_BOUNDS]) expectRefused(await admin('PATCH', `${accountPath}/controls`, { [field]: value }), field);
    for (const value of NOT_NUMBERS) expectRefused(await admin('POST', `${accountPath}/credit`, { amount: value }), 'amount');
    expectRefused(await admin('PUT', `${accountPath}/prices`, { prices: [{ category: 'marketing', price: '1e999' }] }), 'prices[0].price');

    expect((await admin('GET', accountPath)).body).toMatchObject({ credit: 10, rate_limit_per_second: null });
    expect((await admin('GET', '/v1/admin/accounts')).status).toBe(200);
    expect((await admin('GET', `${accountPath}/controls`)).status).toBe(200);
    expect((await ctx.gw.call('GET', '/v1/credit', { key: ctx.tenant.key })).body.balance).toBe(10);
    expect((await ctx.gw.call('GET', '/v1/messages', { key: ctx.tenant.key })).status).toBe(200);
  });

  it('refuses a listing limit that is not a finite number in bounds', async () => {
    const endpoint = await ctx.gw.call('POST', '/v1/webhooks', { key: ctx.tenant.key, body: { url: 'https://example.com/listed' } });
    expect(endpoint.status).toBe(201);
    const listings = [
      { path: '/v1/messages', key: ctx.tenant.key },
      { path: '/v1/credit', key: ctx.tenant.key },
      { path: `/v1/webhooks/${endpoint.body.id}/attempts`, key: ctx.tenant.key },
      { path: `/v1/admin/accounts/${ctx.tenant.accountId}/ledger`, key: ctx.gw.adminKey },
    ];
    for (const { path, key } of listings)
      for (const value of [...NOT_NUMBERS, ...OUT_OF_BOUNDS, '0']) expectRefused(await ctx.gw.call('GET', `${path}?limit=${encodeURIComponent(value)}`, { key }), 'limit');
  });

  it('gives every numeric request field of every route the finite check, and every integer stated bounds (or an enum)', async () => {
    const document = (await ctx.gw.call('GET', '/openapi.json')).body;
    const unchecked: string[] = [];
    const visit = (schema: unknown, where: string): void => {
      if (schema === null || typeof schema !== 'object') return;
      const node = schema as Record<string, unknown>;
      const types = [node['type']].flat();
      // An enum lists every value it takes, so it needs no other bound.
      if (Array.isArray(node['enum'])) return;
      if (types.includes('integer') && (node['minimum'] === undefined || node['maximum'] === undefined || node[FINITE_KEYWORD] !== true)) unchecked.push(where);
      else if (types.includes('number') && node[FINITE_KEYWORD] !== true) unchecked.push(where);
      for (const [key, child] of Object.entries(node)) visit(child, `${where}/${key}`);
    };
    let visited = 0;
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { requestBody?: unknown; parameters?: unknown }>>))
      for (const [method, operation] of Object.entries(operations)) {
        visited += 1;
        visit(operation.requestBody, `${method.toUpperCase()} ${path} body`);
        visit(operation.parameters, `${method.toUpperCase()} ${path} parameters`);
      }
    expect(visited).toBeGreaterThan(40);
    expect(unchecked).toEqual([]);
  });
});
