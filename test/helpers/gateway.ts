/** Starts the gateway's HTTP app over a real socket (127.0.0.1:0) on a temporary SQLite store, with tenant helpers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import type { Clock } from '../../src/http/clock.js';
import { issueKey } from '../../src/store/api-keys.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl } from './test-database.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  // Tests read arbitrary JSON fields; `any` keeps assertions short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface TestTenant {
  readonly accountId: string;
  readonly key: string;
  readonly numberId: string;
  readonly phoneNumberId: string;
  readonly wabaId: string;
}

export interface TestGateway {
  readonly url: string;
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly adminKey: string;
  readonly dataDir: string;
  call(method: string, path: string, options?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<HttpAnswer>;
  createTenant(options?: { name?: string; account?: Record<string, unknown>; number?: Record<string, unknown> }): Promise<TestTenant>;
  close(): Promise<void>;
}

let counter = 0;
/** Unique Meta-looking ids per test run, so tests never collide. */
export function uniqueDigits(prefix = '1'): string {
  counter += 1;
  return `${prefix}${String(Date.now()).slice(-8)}${String(counter).padStart(5, '0')}`;
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-06-01T12:00:00Z')): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms), advance: (ms) => void (now += ms) };
}

/** JSON over a real socket to `url`, with an API key when given; a body that is not JSON comes back as text. */
export function callerOf(url: string): TestGateway['call'] {
  return async function call(method, path, o = {}) {
    const headers: Record<string, string> = { ...(o.key ? { 'x-api-key': o.key } : {}), ...o.headers };
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

/** An account with a number (its default) and an account key, made through the admin API. */
export async function createTenantWith(call: TestGateway['call'], adminKey: string, o: Parameters<TestGateway['createTenant']>[0] = {}): Promise<TestTenant> {
  const account = await call('POST', '/v1/admin/accounts', { key: adminKey, body: { name: o.name ?? 'tenant', ...o.account } });
  if (account.status !== 201) throw new Error(`account: ${JSON.stringify(account.body)}`);
  const phoneNumberId = uniqueDigits('10');
  const wabaId = uniqueDigits('20');
  const number = await call('POST', '/v1/admin/numbers', {
    key: adminKey,
    body: { phone_number_id: phoneNumberId, display_phone_number: '+1 555 0100', waba_id: wabaId, account_id: account.body.id, access_token: 'EAAGtest', ...o.number },
  });
  if (number.status !== 201) throw new Error(`number: ${JSON.stringify(number.body)}`);
  await call('PATCH', `/v1/admin/accounts/${account.body.id}`, { key: adminKey, body: { default_number_id: number.body.id } });
  const key = await call('POST', '/v1/admin/keys', { key: adminKey, body: { account_id: account.body.id } });
  return { accountId: account.body.id, key: key.body.key, numberId: number.body.id, phoneNumberId, wabaId };
}

export async function startTestGateway(
  options: { clock?: Clock; limits?: AppDeps['limits']; wrapStore?: (store: Store) => Store; app?: Pick<AppDeps, 'authFailureLimits' | 'trustProxy' | 'requestLimiters' | 'circuits' | 'backpressure' | 'metrics'> } = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const inner = await openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir), secretKey: 'test-secret-key-0123456789' });
  const store = options.wrapStore ? options.wrapStore(inner) : inner;
  const clock = options.clock ?? { now: () => Date.now() };
  const { secret: adminKey } = await issueKey(store, { kind: 'admin', accountId: null, name: 'test' }, clock.now());
  const app = await buildApp({ store, clock, ...(options.limits ? { limits: options.limits } : {}), ...options.app, logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const call = callerOf(url);
  const createTenant: TestGateway['createTenant'] = (o = {}) => createTenantWith(call, adminKey, o);

  return {
    url,
    store,
    app,
    adminKey,
    dataDir,
    call,
    createTenant,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A gateway and one tenant for the enclosing `describe`: started before its tests, closed after them. Read the fields
 * inside tests (they are set once `beforeAll` has run).
 */
export function useGatewayWithTenant(tenantOptions: Parameters<TestGateway['createTenant']>[0] = {}): { gw: TestGateway; tenant: TestTenant } {
  const context = {} as { gw: TestGateway; tenant: TestTenant };
  beforeAll(async () => {
    context.gw = await startTestGateway();
    context.tenant = await context.gw.createTenant(tenantOptions);
  });
  afterAll(() => context.gw.close());
  return context;
}
