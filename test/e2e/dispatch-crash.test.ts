/**
 * Crash safety: the real gateway process is SIGKILLed while it sends 2,000 messages, restarted on the same data, and
 * every message ends sent or later. Duplicates are counted at the simulator, where each send carries our message id.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { killHard, serveProcess, type ServedGateway } from '../helpers/serve-process.js';

const ADMIN_KEY = 'crash-test-admin-key-0123456789abcdef';
const APP_SECRET = 'crash-test-app-secret';
const VERIFY_TOKEN = 'crash-test-verify-token';
const MESSAGES = 2000;
const MAX_IN_FLIGHT = 256;

function serve(dataDir: string, upstreamUrl: string): Promise<ServedGateway> {
  return serveProcess({
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_UPSTREAM_URL: upstreamUrl,
    SWITCHBOARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHBOARD_META_APP_SECRET: APP_SECRET,
    SWITCHBOARD_META_VERIFY_TOKEN: VERIFY_TOKEN,
    SWITCHBOARD_DEMO: 'false',
    SWITCHBOARD_RECOVERY_GRACE_MS: '2000',
  });
}

async function api(url: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method, headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-crash-'));
  const children: ChildProcess[] = [];
  let simulator: RunningSimulator | undefined;
  afterAll(async () => {
    for (const c of children) await killHard(c);
    await simulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing when the process is killed mid-send, and counts the duplicates', async () => {
    simulator = await startSimulator({ port: 0, recordLimit: 20_000, statusDelaysMs: { sent: 0, delivered: 5, read: -1 } });
    const business = simulator.admin.createBusiness({});
    const remote = simulator.admin.createPhoneNumber({ wabaId: business.wabaId, throughputMps: 400, registered: true });
    simulator.admin.createTemplate({ wabaId: business.wabaId, name: 'hello_world', language: 'en_US', status: 'APPROVED', body: 'Hello World' });

    const first = await serve(dataDir, simulator.url);
    children.push(first.child);
    simulator.admin.setWebhook({ url: `${first.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const account = await api(first.url, ADMIN_KEY, 'POST', '/v1/admin/accounts', { name: 'crash' });
    const number = await api(first.url, ADMIN_KEY, 'POST', '/v1/admin/numbers', {
      phone_number_id: remote.phoneNumberId, display_phone_number: remote.displayPhoneNumber, waba_id: business.wabaId,
      account_id: account.body.id, registration: 'registered', max_mps: 400, access_token: business.accessToken,
    });
    expect(number.status).toBe(201);
    await api(first.url, ADMIN_KEY, 'PATCH', `/v1/admin/accounts/${String(account.body.id)}`, { default_number_id: number.body.id });
    const key = String((await api(first.url, ADMIN_KEY, 'POST', '/v1/admin/keys', { kind: 'account', account_id: account.body.id })).body.key);

    const ids: string[] = [];
    for (let batch = 0; batch < MESSAGES / 500; batch++) {
      const items = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          api(first.url, key, 'POST', '/v1/messages', { to: `4917${String(10_000_000 + batch * 500 + i)}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
        ),
      );
      for (const item of items) {
        expect(item.status).toBe(202);
        ids.push(String(item.body.id));
      }
    }
    // Let the dispatcher get well into the backlog (400 msg/s), then pull the plug.
    const sendsBefore = () => simulator!.admin.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).length;
    while (sendsBefore() < 600) await new Promise((r) => setTimeout(r, 20));
    await killHard(first.child);
    const atKill = sendsBefore();

    const second = await serve(dataDir, simulator.url);
    children.push(second.child);
    simulator.admin.setWebhook({ url: `${second.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const deadline = Date.now() + 60_000;
    let pending = ids;
    while (pending.length > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(pending.slice(0, 200).map((id) => api(second.url, key, 'GET', `/v1/messages/${id}`)));
      const done = new Set(statuses.filter((s) => ['sent', 'delivered', 'read'].includes(String(s.body.status))).map((s) => String(s.body.id)));
      pending = pending.filter((id) => !done.has(id));
      if (done.size === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(pending).toEqual([]);

    const perMessage = new Map<string, number>();
    for (const request of simulator.admin.requests()) {
      const callback = (request.body as { biz_opaque_callback_data?: string } | undefined)?.biz_opaque_callback_data;
      if (request.method === 'POST' && callback && request.status === 200) perMessage.set(callback, (perMessage.get(callback) ?? 0) + 1);
    }
    const duplicates = [...perMessage.values()].filter((n) => n > 1).length;
    console.log(`crash test: ${atKill} sends before the kill, ${perMessage.size} messages reached the simulator, ${duplicates} sent twice`);
    expect(ids.every((id) => perMessage.has(id))).toBe(true);
    expect(duplicates).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  }, 120_000);
});
