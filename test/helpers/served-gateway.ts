/**
 * The real `serve` process wired to a simulator exactly as to Meta (upstream URL, app secret, verify token), with a
 * JSON client for its API and the one account, number and key the crash tests send from.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/types.js';
import { killHard, serveProcess, type ServedGateway } from './serve-process.js';

export const SERVED_ADMIN_KEY = 'served-test-admin-key-0123456789abcdef';
const APP_SECRET = 'served-test-app-secret';
const VERIFY_TOKEN = 'served-test-verify-token';

/** Starts `serve` on `dataDir` against the simulator, and points the simulator's webhooks at it. */
export async function serveAgainst(simulator: RunningSimulator, dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServedGateway> {
  const gateway = await serveProcess({
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_UPSTREAM_URL: simulator.url,
    SWITCHBOARD_ADMIN_KEY: SERVED_ADMIN_KEY,
    SWITCHBOARD_META_APP_SECRET: APP_SECRET,
    SWITCHBOARD_META_VERIFY_TOKEN: VERIFY_TOKEN,
    SWITCHBOARD_DEMO: 'false',
    ...env,
  });
  simulator.admin.setWebhook({ url: `${gateway.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
  return gateway;
}

export async function api(url: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method, headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A simulated business and number sending `hello_world` at `mps`, registered in the gateway; answers its API key. */
export async function createServedSender(simulator: RunningSimulator, gatewayUrl: string, mps: number): Promise<string> {
  const business = simulator.admin.createBusiness({});
  const remote = simulator.admin.createPhoneNumber({ wabaId: business.wabaId, throughputMps: mps, registered: true });
  simulator.admin.createTemplate({ wabaId: business.wabaId, name: 'hello_world', language: 'en_US', status: 'APPROVED', body: 'Hello World' });
  const account = await api(gatewayUrl, SERVED_ADMIN_KEY, 'POST', '/v1/admin/accounts', { name: 'served' });
  const number = await api(gatewayUrl, SERVED_ADMIN_KEY, 'POST', '/v1/admin/numbers', {
    phone_number_id: remote.phoneNumberId, display_phone_number: remote.displayPhoneNumber, waba_id: business.wabaId,
    account_id: account.body.id, registration: 'registered', max_mps: mps, access_token: business.accessToken,
  });
  if (number.status !== 201) throw new Error(`number not created: ${JSON.stringify(number.body)}`);
  await api(gatewayUrl, SERVED_ADMIN_KEY, 'PATCH', `/v1/admin/accounts/${String(account.body.id)}`, { default_number_id: number.body.id });
  return String((await api(gatewayUrl, SERVED_ADMIN_KEY, 'POST', '/v1/admin/keys', { kind: 'account', account_id: account.body.id })).body.key);
}

/** How many times the simulator accepted (200) each message id, read from the callback data its sends carry. */
export function acceptedSends(simulator: RunningSimulator): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const request of simulator.admin.requests()) {
    const callback = (request.body as { biz_opaque_callback_data?: string } | undefined)?.biz_opaque_callback_data;
    if (request.method === 'POST' && callback && request.status === 200) accepted.set(callback, (accepted.get(callback) ?? 0) + 1);
  }
  return accepted;
}

export interface ServedRig {
  readonly dataDir: string;
  startSimulator(options: SimulatorOptions): Promise<RunningSimulator>;
  /** `serve` on the rig's data directory against its simulator (started first). */
  serve(env?: NodeJS.ProcessEnv): Promise<ServedGateway>;
  /** Kills every process the rig started, closes its simulator and removes its data (for afterAll). */
  dispose(): Promise<void>;
}

export function servedRig(prefix: string): ServedRig {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const children: ChildProcess[] = [];
  let simulator: RunningSimulator | undefined;
  return {
    dataDir,
    async startSimulator(options) {
      simulator = await startSimulator(options);
      return simulator;
    },
    async serve(env = {}) {
      if (!simulator) throw new Error('start the simulator first');
      const gateway = await serveAgainst(simulator, dataDir, env);
      children.push(gateway.child);
      return gateway;
    },
    async dispose() {
      for (const child of children) await killHard(child);
      await simulator?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
