/**
 * Customer-webhook journeys' fixtures: a recording receiver on 127.0.0.1 that answers with a status the test sets, and
 * a gateway (HTTP app + delivery worker, no dispatcher) on a temporary SQLite store with short retry schedules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { issueKey } from '../../src/store/api-keys.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { DeliveryWorkerConfig } from '../../src/webhooks/outbound/delivery-worker.js';
import { createWebhookDelivery, type WebhookDelivery, type WebhookDeliverySettings } from '../../src/webhooks/outbound/webhook-delivery.js';
import { testDatabaseUrl } from '../helpers/test-database.js';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  /** The status this receiver answered. */
  readonly answered: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Status for the next request; a function sees how many requests came before. */
  answer: number | ((index: number) => number);
  /** Milliseconds to wait before answering. */
  delayMs: number;
  /** Closes the socket (connections refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  /** Distinct webhook-ids received with a 2xx answer. */
  deliveredIds(): Set<string>;
}

export async function startReceiver(): Promise<Receiver> {
  let server: Server | undefined;
  let port = 0;
  const receiver: Receiver = {
    url: '',
    received: [],
    answer: 200,
    delayMs: 0,
    async down() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((done) => { s.close(() => done()); s.closeAllConnections(); });
    },
    async up() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const index = receiver.received.length;
          const status = typeof receiver.answer === 'function' ? receiver.answer(index) : receiver.answer;
          receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), answered: status });
          const reply = () => res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `failing with ${status}`);
          if (receiver.delayMs > 0) setTimeout(reply, receiver.delayMs);
          else reply();
        });
      });
      const s = server;
      await new Promise<void>((ok) => s.listen(port, '127.0.0.1', ok));
      port = (s.address() as AddressInfo).port;
      (receiver as { url: string }).url = `http://127.0.0.1:${port}/hook`;
    },
    async close() {
      await receiver.down();
    },
    deliveredIds() {
      return new Set(receiver.received.filter((r) => r.answered < 300).map((r) => String(r.headers['webhook-id'])));
    },
  };
  await receiver.up();
  return receiver;
}

export interface WebhookGateway {
  readonly url: string;
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly delivery: WebhookDelivery;
  readonly key: string;
  readonly accountId: string;
  /** Disable lines the worker logged. */
  readonly logged: { level: string; message: string; fields: Record<string, unknown> }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; headers: Headers; body: any }>;
  /** Sends one template message; answers the HTTP status and body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(to?: string): Promise<{ status: number; headers: Headers; body: any }>;
  createTenant(name: string): Promise<{ accountId: string; key: string }>;
  close(): Promise<void>;
}

export const FAST_SCHEDULE: Partial<WebhookDeliverySettings> = { webhookRetrySchedule: [0.05, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3] };

let recipient = 0;

export async function startWebhookGateway(
  options: { settings?: Partial<WebhookDeliverySettings>; worker?: Partial<DeliveryWorkerConfig> } = {},
): Promise<WebhookGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-webhooks-'));
  const store = await openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir), secretKey: 'test-secret-key-0123456789' });
  const settings: WebhookDeliverySettings = {
    webhookAllowPrivate: true, webhookBacklogCap: 100_000, webhookRetrySchedule: [0.05, 0.1, 0.2], webhookDisableAfterSeconds: 3600, webhookTimeoutMs: 5_000,
    ...options.settings,
  };
  const delivery = createWebhookDelivery(store, settings, { now: Date.now, worker: { idlePollMs: 20, ...options.worker } });
  const app = await buildApp({ store, logger: false, webhooks: delivery.appOptions });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const logged: WebhookGateway['logged'] = [];
  await delivery.start((level, message, fields) => void logged.push({ level, message, fields }));

  const createTenant = async (name: string) => {
    const now = Date.now();
    const account = await store.createAccount({ name }, now);
    const number = await store.createNumber(
      { phoneNumberId: `10${now}${++recipient}`, displayPhoneNumber: '+1 555 0100', wabaId: `20${now}${recipient}`, accountId: account.id, accessToken: 'EAAGtest' },
      now,
    );
    await store.updateAccount(account.id, { defaultNumberId: number.id }, now);
    const { secret } = await issueKey(store, { kind: 'account', accountId: account.id, name }, now);
    return { accountId: account.id, key: secret };
  };
  const tenant = await createTenant('webhooks');

  const call: WebhookGateway['call'] = async (method, path, body, key = tenant.key) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  const send: WebhookGateway['send'] = (to) =>
    call('POST', '/v1/messages', { to: to ?? `4915100${String(++recipient).padStart(6, '0')}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } });

  return {
    url, store, app, delivery, key: tenant.key, accountId: tenant.accountId, logged, call, send, createTenant,
    async close() {
      await delivery.stop();
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it is true or `timeoutMs` passes (then fails with `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
