/**
 * Split roles over PostgreSQL with real `serve` processes: an `api` process accepts a send and stores Meta's webhooks
 * but never dispatches; a `worker` process started beside it dispatches the send, applies Meta's statuses and delivers
 * the customer's webhooks. Processes starting together on an empty database set up the first keys and demo once (the
 * same race forced step by step: src/app/first-start.postgres.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { engineRuns } from '../helpers/engines.js';
import { killHard, serveProcess, type ServedGateway } from '../helpers/serve-process.js';
import { acceptedSends, api, createServedSender, SERVED_ADMIN_KEY } from '../helpers/served-gateway.js';
import { databaseUrlOn } from '../helpers/test-database.js';
import { startReceiver, waitFor, type Receiver } from './webhooks-harness.js';

const APP_SECRET = 'process-roles-app-secret';
const VERIFY_TOKEN = 'process-roles-verify-token';

describe.skipIf(!engineRuns('postgres'))('process roles on PostgreSQL', () => {
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];
  let simulator: RunningSimulator;
  let receiver: Receiver;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, seed: 11, statusDelaysMs: { sent: 0, delivered: 10, read: 20 } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await Promise.all(children.map(killHard));
    await receiver?.close();
    await simulator?.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Environment for processes sharing one fresh schema (and one secret key, as every process sharing it must). */
  function sharedEnv(more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-process-roles-'));
    dataDirs.push(dataDir);
    return {
      SWITCHBOARD_DATA_DIR: dataDir, DATABASE_URL: databaseUrlOn('postgres', dataDir), SWITCHBOARD_SECRET_KEY: 'process-roles-secret-key-0123',
      SWITCHBOARD_UPSTREAM_URL: simulator.url, SWITCHBOARD_META_APP_SECRET: APP_SECRET, SWITCHBOARD_META_VERIFY_TOKEN: VERIFY_TOKEN,
      SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true', SWITCHBOARD_TEMPLATE_SYNC_SECONDS: '0', ...more,
    };
  }

  async function serve(env: NodeJS.ProcessEnv, role: string): Promise<ServedGateway> {
    const served = await serveProcess(env, /Upstream:/, ['--role', role]);
    children.push(served.child);
    return served;
  }

  it('dispatches what the api process accepted only once a worker runs, and delivers its webhooks from the worker', async () => {
    const env = sharedEnv({ SWITCHBOARD_ADMIN_KEY: SERVED_ADMIN_KEY, SWITCHBOARD_DEMO: 'false' });
    const front = await serve(env, 'api');
    expect(front.output()).toMatch(/^Role: api /m);
    simulator.admin.setWebhook({ url: `${front.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const key = await createServedSender(simulator, front.url, 80);
    const hook = await api(front.url, key, 'POST', '/v1/webhooks', { url: receiver.url, event_types: ['message.accepted', 'message.sent', 'message.delivered'] });
    expect(hook.status).toBe(201);
    const sent = await api(front.url, key, 'POST', '/v1/messages', { to: '4915123400001', type: 'template', template: { name: 'hello_world', language: 'en_US' } });
    expect(sent.status).toBe(202);
    const id = String(sent.body.id);

    // The api process alone: the send waits, nothing reaches the upstream or the customer.
    await new Promise((settle) => setTimeout(settle, 1_500));
    expect((await api(front.url, key, 'GET', `/v1/messages/${id}`)).body.status).toBe('accepted');
    expect(acceptedSends(simulator).get(id)).toBeUndefined();
    expect(receiver.received).toHaveLength(0);

    const back = await serve(env, 'worker');
    expect(back.output()).toMatch(/^Role: worker /m);
    const deliveredAt = async () => ((await api(front.url, key, 'GET', `/v1/messages/${id}`)).body.timestamps as Record<string, string>)['delivered'];
    await waitFor('the send delivered, as Meta told the api process', async () => (await deliveredAt()) !== undefined, 20_000);
    expect(acceptedSends(simulator).get(id)).toBe(1);
    const types = () => receiver.received.map((r) => (JSON.parse(r.body) as { type: string; data: { message_id: string } })).filter((e) => e.data.message_id === id).map((e) => e.type);
    await waitFor('the customer webhooks delivered', () => types().length === 3, 20_000);
    expect(types().sort()).toEqual(['message.accepted', 'message.delivered', 'message.sent']);

    // The worker serves the probes and nothing else.
    // The worker runs the SMS connectors (none configured here), so it asks about them too.
    expect(await (await fetch(`${back.url}/readyz`)).json()).toEqual({ status: 'ready', checked: ['store', 'sms-connectors'] });
    const refused = await fetch(`${back.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(404);
  }, 90_000);

  it('creates the first admin key and the demo account once when processes start together on an empty database', async () => {
    const env = sharedEnv();
    const started = await Promise.all([serve(env, 'api'), serve(env, 'worker'), serve(env, 'api')]);
    const banners = started.map((s) => s.output());
    expect(banners.filter((b) => b.includes('Admin key (shown once, store it now)'))).toHaveLength(1);
    expect(banners.filter((b) => b.includes('Demo account acct_'))).toHaveLength(1);
    const adminKey = /Admin key \(shown once, store it now\): (\S+)/.exec(banners.join('\n'))![1]!;
    const accounts = await api(started[0]!.url, adminKey, 'GET', '/v1/admin/accounts');
    expect(accounts.status).toBe(200);
    expect((accounts.body as { data: { name: string }[] }).data.map((a) => a.name)).toEqual(['demo']);
    const keys = await api(started[2]!.url, adminKey, 'GET', '/v1/admin/keys?kind=admin');
    expect(JSON.stringify(keys.body).match(/"kind":"admin"/g)).toHaveLength(1);
  }, 90_000);
});
