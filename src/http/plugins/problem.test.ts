/** The error handler: unknown errors become internal_error without leaking, 503s carry Retry-After, Graph shape on request. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { buildApp } from '../app.js';
import { fieldFromPointer } from './problem.js';
import { testDatabaseUrl } from '../../../test/helpers/test-database.js';

describe('problem plugin', () => {
  let app: FastifyInstance;
  let store: Store;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-problem-'));
  let storeUp = true;
  beforeAll(async () => {
    store = await openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir), secretKey: 'problem-test-secret' });
    const flaky = new Proxy(store, {
      get: (target, prop) => {
        if (prop === 'ping') return async () => storeUp;
        const value: unknown = Reflect.get(target, prop);
        // Sub-stores (dispatch, webhooks, inbound …) are objects: only methods need binding.
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    app = await buildApp({ store: flaky, logger: false });
    app.get('/boom', async () => {
      throw new Error('password=hunter2 at /srv/secret.ts:12');
    });
    app.get('/boom-graph', { config: { errorShape: 'graph' } }, async () => {
      throw new TypeError('nope');
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns unknown errors into internal_error and shows nothing of them', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'internal_error', namespace: 'gateway', retryable: true });
    expect(res.body).not.toMatch(/hunter2|secret\.ts|stack/);
  });

  it('answers in Graph\u2019s shape on Cloud-API routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom-graph' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toMatchObject({ code: 131000, type: 'OAuthException', is_transient: true });
  });

  it('sends Retry-After with 503 service_unavailable', async () => {
    storeUp = false;
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    storeUp = true;
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().code).toBe('service_unavailable');
  });

  it.each([
    ['/text/body', undefined, 'text.body'],
    ['/messages/3', 'to', 'messages[3].to'],
    ['', 'to', 'to'],
  ])('names %s + %s as %s', (pointer, extra, expected) => {
    expect(fieldFromPointer(pointer, extra)).toBe(expected);
  });
});
