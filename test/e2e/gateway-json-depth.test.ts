/** Deeply nested JSON bodies over real sockets: refused with `json_too_deep` on every JSON route, with or without Idempotency-Key. */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/domain/json-depth.js';
import { useGatewayWithTenant } from '../helpers/gateway.js';

/** A valid send whose `extra` field holds `depth` nested arrays. */
function nestedSend(to: string, depth: number): string {
  return `{"to":"${to}","type":"text","text":{"body":"hi"},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

describe('JSON nesting depth', () => {
  const ctx = useGatewayWithTenant();

  const post = (path: string, raw: string, headers: Record<string, string> = {}) =>
    ctx.gw.call('POST', path, { key: ctx.tenant.key, raw, headers: { 'content-type': 'application/json', ...headers } });

  it('refuses 20,000 nested arrays with json_too_deep on the REST routes, with or without an Idempotency-Key', async () => {
    const deep = nestedSend('4915112345678', 20_000);
    const batch = `{"messages":[${deep}]}`;
    for (const [path, raw] of [['/v1/messages', deep], ['/v1/messages/batch', batch], ['/v1/webhooks', deep], ['/v1/templates', deep]] as const)
      for (const headers of [{}, { 'idempotency-key': `deep-${path}` }] as Record<string, string>[]) {
        const answer = await post(path, raw, headers);
        expect(answer.status, `${path} ${JSON.stringify(answer.body)}`).toBe(400);
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(answer.body.code).toBe('json_too_deep');
      }
    const admin = await ctx.gw.call('POST', '/v1/admin/accounts', { key: ctx.gw.adminKey, raw: deep, headers: { 'content-type': 'application/json' } });
    expect([admin.status, admin.body.code]).toEqual([400, 'json_too_deep']);
  });

  it('refuses it on the Cloud-API-compatible surface in Graph shape', async () => {
    for (const headers of [{}, { 'idempotency-key': 'deep-cloud' }] as Record<string, string>[]) {
      const answer = await post(`/v21.0/${ctx.tenant.phoneNumberId}/messages`, nestedSend('4915112345678', 20_000), headers);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 100, error_user_title: 'JSON nested too deeply' });
    }
  });

  it('reads a body nested exactly to the limit', async () => {
    const answer = await post('/v1/messages', nestedSend('4915112345678', MAX_JSON_DEPTH - 1), { 'idempotency-key': 'at-the-limit' });
    expect(answer.body.code).not.toBe('json_too_deep');
    expect(answer.status).toBeLessThan(500);
  });
});
