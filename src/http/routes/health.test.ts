/** The probes over a real socket: `/readyz` asks every check it is given and names each one that fails. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildProbeApp } from '../probe-app.js';
import type { ReadinessCheck } from './health.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function probe(checks: readonly ReadinessCheck[], path: string): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  app = await buildProbeApp({ readiness: checks, logger: false });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(`${base}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
}

const up = (name: string): ReadinessCheck => ({ name, check: async () => ({ ok: true }) });

describe('/readyz', () => {
  it('answers 200 with every check it asked when all answer', async () => {
    const answer = await probe([up('store'), up('redis')], '/readyz');
    expect(answer).toMatchObject({ status: 200, body: { status: 'ready', checked: ['store', 'redis'] } });
  });

  it('answers 503 service_unavailable naming each failing check and why, whether it says no or throws', async () => {
    const down: ReadinessCheck = { name: 'redis', check: async () => ({ ok: false, reason: 'connection refused' }) };
    const broken: ReadinessCheck = { name: 'store', check: async () => { throw new Error('timeout'); } };
    const answer = await probe([broken, up('other'), down], '/readyz');
    expect(answer.status).toBe(503);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'service_unavailable', failing: ['store', 'redis'] });
    expect(answer.body['detail']).toBe('Not ready: store (timeout), redis (connection refused).');
  });
});

describe('the probe-only surface', () => {
  it('answers /healthz and refuses everything else with 404 problem+json', async () => {
    expect(await probe([up('store')], '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    await app?.close();
    const refused = await probe([up('store')], '/v1/messages');
    expect(refused).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(refused.type).toContain('application/problem+json');
  });
});
