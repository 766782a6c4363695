import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { GatewayMetrics } from '../observability/metrics.js';
import { issueKey } from '../store/api-keys.js';
import { useTempStore } from '../../test/helpers/temp-store.js';
import { systemClock } from './clock.js';
import { authFailureCounter } from './plugins/auth-failures.js';
import { buildProbeApp } from './probe-app.js';

const temp = useTempStore();
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the worker role’s /metrics', () => {
  it('answers an admin key with the process’s metrics and anyone else with problem+json', async () => {
    const { store } = temp;
    const metrics = new GatewayMetrics();
    metrics.metaWebhookReceived();
    app = await buildProbeApp({ readiness: [], logger: false, metrics: { registry: metrics.registry, auth: { store, clock: systemClock, failures: authFailureCounter() } } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const admin = await issueKey(store, { kind: 'admin', accountId: null, name: 'ops' }, Date.now());
    const scrape = (headers: Record<string, string> = {}) => fetch(`${base}/metrics`, { headers });

    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await scrape({ 'x-api-key': 'sb_admin_wrong' })).status).toBe(401);
    const scraped = await scrape({ 'x-api-key': admin.secret });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^switchboard_meta_webhooks_received_total 1$/m);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('is not served when the process was given no metrics', async () => {
    app = await buildProbeApp({ readiness: [], logger: false });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });
});
