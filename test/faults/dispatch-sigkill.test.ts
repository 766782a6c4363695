/**
 * Fault suite, SIGKILL during sends: the real `serve` process is killed at random moments while it sends, several
 * times in a row on the same data directory, and restarted each time. Counted at the simulator (each send carries
 * our message id): nothing lost, nothing sent twice, and every status the simulator reported applied (each message
 * ends `read`). After each restart the backlog must move again at once, not after the lapsed leases' 30 s.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { killHard, serveProcess, type ServedGateway } from '../helpers/serve-process.js';
import { faultScale, reportFigures } from './fault-scale.js';

const ADMIN_KEY = 'sigkill-test-admin-key-0123456789abcdef';
const APP_SECRET = 'sigkill-test-app-secret';
const VERIFY_TOKEN = 'sigkill-test-verify-token';
const MESSAGES = faultScale(600, 3_000);
const KILLS = faultScale(3, 6);
const MPS = 200;

function serve(dataDir: string, upstreamUrl: string): Promise<ServedGateway> {
  return serveProcess({
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_UPSTREAM_URL: upstreamUrl,
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_META_APP_SECRET: APP_SECRET,
    SWITCHBOARD_META_VERIFY_TOKEN: VERIFY_TOKEN,
    SWITCHBOARD_DEMO: 'false',
    SWITCHBOARD_BATCH_MAX: '1000',
    // Long enough for the simulator's webhook retries to reach the restarted process.
    SWITCHBOARD_RECOVERY_GRACE_MS: '3000',
  });
}

async function api(url: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method, headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('SIGKILL during sends', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sigkill-'));
  const children: ChildProcess[] = [];
  let simulator: RunningSimulator | undefined;
  afterAll(async () => {
    for (const c of children) await killHard(c);
    await simulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing, sends nothing twice and applies every status over repeated kills', async () => {
    simulator = await startSimulator({ port: 0, recordLimit: 50_000, statusDelaysMs: { sent: 0, delivered: 20, read: 40 }, webhookRetryDelaysMs: [100, 200, 400, 800, 1_000, 1_000, 2_000, 2_000] });
    const sim = simulator;
    const business = sim.admin.createBusiness({});
    const remote = sim.admin.createPhoneNumber({ wabaId: business.wabaId, throughputMps: MPS, registered: true });
    sim.admin.createTemplate({ wabaId: business.wabaId, name: 'hello_world', language: 'en_US', status: 'APPROVED', body: 'Hello World' });
    const start = async () => {
      const gateway = await serve(dataDir, sim.url);
      children.push(gateway.child);
      sim.admin.setWebhook({ url: `${gateway.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
      return gateway;
    };

    let gateway = await start();
    const account = await api(gateway.url, ADMIN_KEY, 'POST', '/v1/admin/accounts', { name: 'sigkill' });
    const number = await api(gateway.url, ADMIN_KEY, 'POST', '/v1/admin/numbers', {
      phone_number_id: remote.phoneNumberId, display_phone_number: remote.displayPhoneNumber, waba_id: business.wabaId,
      account_id: account.body.id, registration: 'registered', max_mps: MPS, access_token: business.accessToken,
    });
    await api(gateway.url, ADMIN_KEY, 'PATCH', `/v1/admin/accounts/${String(account.body.id)}`, { default_number_id: number.body.id });
    const key = String((await api(gateway.url, ADMIN_KEY, 'POST', '/v1/admin/keys', { kind: 'account', account_id: account.body.id })).body.key);
    const ids: string[] = [];
    for (let batch = 0; batch < MESSAGES / 500; batch++) {
      const messages = Array.from({ length: Math.min(500, MESSAGES - batch * 500) }, (_, i) => ({ to: `4917${String(20_000_000 + batch * 500 + i)}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } }));
      const res = await api(gateway.url, key, 'POST', '/v1/messages/batch', { messages });
      for (const result of res.body.results as { id?: string }[]) if (result.id) ids.push(result.id);
    }
    expect(ids).toHaveLength(MESSAGES);

    const sends = () => sim.admin.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).length;
    const firstSendAfterRestart: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // A random moment in this run's share of the backlog: somewhere in the next 1 to 1 + share/MPS seconds of sends.
      const target = sends() + 1 + Math.floor(Math.random() * (MESSAGES / (KILLS + 1)));
      while (sends() < target) await new Promise((r) => setTimeout(r, 5));
      await killHard(gateway.child);
      const before = sends();
      gateway = await start();
      const restartedAt = Date.now();
      while (sends() === before && Date.now() - restartedAt < 40_000) await new Promise((r) => setTimeout(r, 10));
      firstSendAfterRestart.push(Date.now() - restartedAt);
    }

    let unread = ids;
    const deadline = Date.now() + faultScale(40_000, 90_000);
    while (unread.length > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(unread.slice(0, 300).map((id) => api(gateway.url, key, 'GET', `/v1/messages/${id}`)));
      const read = new Set(statuses.filter((s) => s.body.status === 'read').map((s) => String(s.body.id)));
      unread = unread.filter((id) => !read.has(id));
      if (read.size === 0) await new Promise((r) => setTimeout(r, 200));
    }

    const accepted = new Map<string, number>();
    for (const request of sim.admin.requests()) {
      const callback = (request.body as { biz_opaque_callback_data?: string } | undefined)?.biz_opaque_callback_data;
      if (request.method === 'POST' && callback && request.status === 200) accepted.set(callback, (accepted.get(callback) ?? 0) + 1);
    }
    const figures = {
      messages: ids.length,
      kills: KILLS,
      calls: sends(),
      duplicates: [...accepted.values()].filter((n) => n > 1).length,
      lost: ids.filter((id) => !accepted.has(id)).length,
      statusesDropped: unread.length,
      slowestRestartToFirstSendMs: Math.max(...firstSendAfterRestart),
    };
    reportFigures('SIGKILL during sends', figures);
    expect(figures).toMatchObject({ duplicates: 0, lost: 0, statusesDropped: 0 });
    // Jobs merely claimed by the killed process go at once; only its interrupted calls wait for their grace.
    expect(figures.slowestRestartToFirstSendMs).toBeLessThan(5_000);
  }, faultScale(58_000, 240_000));
});
