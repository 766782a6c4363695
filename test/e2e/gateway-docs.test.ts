/** OpenAPI at /openapi.json, Swagger UI at /docs, the catalog at /v1/errors, health probes, and 404s as problems. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/catalog/catalog.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('docs, errors and health', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('serves OpenAPI 3.1 with every route and its documented error codes', async () => {
    const doc = (await gw.call('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/v1/messages', '/v1/messages/{id}', '/v1/messages/batch', '/v1/admin/accounts', '/v1/admin/keys', '/v1/admin/numbers', '/{version}/{phoneNumberId}/messages', '/v1/errors/{namespace}/{code}'])
      expect(Object.keys(doc.paths)).toContain(path);
    const send = doc.paths['/v1/messages'].post;
    expect(send.responses['202']).toBeDefined();
    expect(send.responses['401'].description).toContain('gateway/missing_api_key');
    expect(send.responses['422'].description).toContain('gateway/outside_service_window');
    expect(send.responses['404'].description).toContain('meta/132001');
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it('names every field a customer reads or sends in snake_case, in every route, response and webhook the document describes', async () => {
    const doc = (await gw.call('GET', '/openapi.json')).body;
    const camelCase: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const properties = (node as { properties?: Record<string, unknown> }).properties;
      for (const name of Object.keys(properties ?? {})) if (/[A-Z]/.test(name)) camelCase.push(`${where} ${name}`);
      for (const [key, child] of Object.entries(node)) walk(child, key.startsWith('/') || key.includes('.') ? key : where);
    };
    walk({ paths: doc.paths, webhooks: doc.webhooks, components: doc.components }, 'document');
    expect(camelCase).toEqual([]);
  });

  it('serves Swagger UI', async () => {
    const res = await fetch(`${gw.url}/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });

  it('serves the catalog, and every problem type link resolves', async () => {
    const all = await gw.call('GET', '/v1/errors');
    expect(all.body.data).toHaveLength(CATALOG.length);
    const problem = (await gw.call('POST', '/v1/messages', { body: {} })).body;
    const entry = await gw.call('GET', problem.type);
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ namespace: 'gateway', code: 'missing_api_key', http_status: 401 });
    const meta = await gw.call('GET', '/v1/errors/meta/132001');
    expect(meta.body.code).toBe(132001);
    expect((await gw.call('GET', '/v1/errors/gateway/no_such_code')).body.code).toBe('not_found');
  });

  it('answers health probes and unknown routes', async () => {
    expect((await gw.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await gw.call('GET', '/readyz')).body).toEqual({ status: 'ready', checked: ['store'] });
    const missing = await gw.call('GET', '/nope');
    expect([missing.status, missing.body.code]).toEqual([404, 'not_found']);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });
});
