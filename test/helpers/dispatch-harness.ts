/**
 * A gateway with its dispatcher, wired to a separately started simulator exactly as to Meta (upstream URL, app secret,
 * verify token), over real sockets, plus helpers to make senders, send, and wait for statuses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import type { DispatcherConfig } from '../../src/dispatch/dispatcher.js';
import type { RatePermitConfig } from '../../src/dispatch/rate-permit.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { RecordedRequest, RunningSimulator, SimulatorOptions } from '../../src/simulator/types.js';
import { issueKey } from '../../src/store/api-keys.js';
import { readTestDatabase, testDatabaseUrl } from './test-database.js';

export const APP_SECRET = 'harness-app-secret';
export const VERIFY_TOKEN = 'harness-verify-token';

export interface Sender {
  readonly accountId: string;
  readonly key: string;
  readonly numberId: string;
  readonly phoneNumberId: string;
  readonly wabaId: string;
  readonly accessToken: string;
}

export interface DispatchHarness {
  readonly gateway: RunningGateway;
  readonly simulator: RunningSimulator;
  readonly config: Config;
  createSender(options?: { mps?: number; template?: string }): Promise<Sender>;
  send(sender: Sender, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  sendTemplate(sender: Sender, to: string, name?: string): Promise<string>;
  message(sender: Sender, id: string): Promise<Record<string, unknown>>;
  waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs?: number): Promise<T>;
  waitForStatus(sender: Sender, ids: readonly string[], statuses: readonly string[], timeoutMs?: number): Promise<void>;
  /** Message sends the simulator received for a number (its Graph path). */
  upstreamSends(sender?: Sender): RecordedRequest[];
  /** The customer events recorded for a message, oldest first (read from the store's event outbox). */
  eventsOf(messageId: string): Promise<string[]>;
  close(): Promise<void>;
}

let serial = 0;

export async function startDispatchHarness(
  options: { dispatcher?: Partial<DispatcherConfig>; permits?: RatePermitConfig; simulator?: SimulatorOptions; gateway?: Partial<Config>; withoutDispatcher?: boolean } = {},
): Promise<DispatchHarness> {
  const simulator = await startSimulator({ port: 0, seed: 7, statusDelaysMs: { sent: 0, delivered: 10, read: 20 }, ...options.simulator });
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-dispatch-'));
  const config: Config = {
    ...loadConfig({}),
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl: testDatabaseUrl(dataDir),
    upstreamUrl: simulator.url,
    secretKey: 'harness-secret-key-0123456789',
    adminKey: 'harness-admin-key-0123456789abcdef',
    metaAppSecret: APP_SECRET,
    metaVerifyToken: VERIFY_TOKEN,
    demo: false,
    logLevel: 'silent',
    ...options.gateway,
  };
  const gateway = await startGateway(config, {
    logger: false, withoutDispatcher: options.withoutDispatcher ?? false, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.permits ? { permits: options.permits } : {}),
  });
  simulator.admin.setWebhook({ url: `${gateway.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });

  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const harness: DispatchHarness = {
    gateway,
    simulator,
    config,
    async createSender({ mps = 80, template = 'hello_world' } = {}) {
      serial += 1;
      const business = simulator.admin.createBusiness({ name: `sender ${serial}` });
      const remote = simulator.admin.createPhoneNumber({ wabaId: business.wabaId, throughputMps: mps, registered: true });
      simulator.admin.createTemplate({ wabaId: business.wabaId, name: template, language: 'en_US', status: 'APPROVED', body: 'Hello World' });
      const now = Date.now();
      const account = await gateway.store.createAccount({ name: `sender ${serial}` }, now);
      const number = await gateway.store.createNumber(
        { phoneNumberId: remote.phoneNumberId, displayPhoneNumber: remote.displayPhoneNumber, wabaId: business.wabaId, accountId: account.id, registration: 'registered', maxMps: mps, accessToken: business.accessToken },
        now,
      );
      await gateway.store.updateAccount(account.id, { defaultNumberId: number.id }, now);
      const { secret } = await issueKey(gateway.store, { kind: 'account', accountId: account.id, name: 'harness' }, now);
      return { accountId: account.id, key: secret, numberId: number.id, phoneNumberId: remote.phoneNumberId, wabaId: business.wabaId, accessToken: business.accessToken };
    },
    send: (sender, body) => call(sender.key, 'POST', '/v1/messages', body),
    async sendTemplate(sender, to, name = 'hello_world') {
      const res = await call(sender.key, 'POST', '/v1/messages', { to, type: 'template', template: { name, language: 'en_US' } });
      if (res.status !== 202) throw new Error(`send refused: ${res.status} ${JSON.stringify(res.body)}`);
      return String(res.body.id);
    },
    async message(sender, id) {
      return (await call(sender.key, 'GET', `/v1/messages/${id}`)).body;
    },
    async waitFor(probe, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async waitForStatus(sender, ids, statuses, timeoutMs = 15_000) {
      await harness.waitFor(async () => {
        for (const id of ids) if (!statuses.includes(String((await harness.message(sender, id)).status))) return undefined;
        return true;
      }, timeoutMs);
    },
    upstreamSends(sender) {
      return simulator.admin.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/messages') && (!sender || r.path.includes(`/${sender.phoneNumberId}/`)));
    },
    async eventsOf(messageId) {
      const rows = await readTestDatabase(dataDir, (db) =>
        db.selectFrom('events').select('type').where('subject_id', '=', messageId).orderBy('created_at').orderBy('id').execute());
      return rows.map((row) => row.type);
    },
    async close() {
      await gateway.close();
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
