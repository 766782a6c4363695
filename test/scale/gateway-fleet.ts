/**
 * Several real `switchboard serve` processes on one PostgreSQL schema (and one Redis when given), each with a role,
 * against a simulator process that posts Meta's webhooks to the first one; with the account, numbers, key and
 * customer webhook endpoint the scale tests send from.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresClientConfig } from '../../src/store/postgres/postgres-engine.js';
import { parsePostgresUrl } from '../../src/store/postgres/postgres-url.js';
import { killHard, serveProcess, type ServedGateway } from '../helpers/serve-process.js';
import { api, SERVED_ADMIN_KEY } from '../helpers/served-gateway.js';
import type { SimulatorProcess } from './simulator-process.js';

export const ROLES = ['api', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

const APP_SECRET = 'scale-test-app-secret';
const VERIFY_TOKEN = 'scale-test-verify-token';

export interface FleetOptions {
  /** postgres://… of the database; the fleet works in a schema of its own there. */
  readonly postgresUrl: string;
  readonly schemaPrefix: string;
  readonly redisUrl?: string;
  readonly roles: readonly Role[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface Fleet {
  /** DATABASE_URL of every process, schema included. */
  readonly databaseUrl: string;
  /** Each process's URL, by position in `roles` (after a restart, its new URL). */
  url(index: number): string;
  /** URLs of the processes that accept sends (api and all). */
  acceptingUrls(): string[];
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  /** Processes that exited without being killed by the test, with what they printed. */
  unexpectedExits(): string[];
  dispose(): Promise<void>;
}

export async function startFleet(simulator: SimulatorProcess, options: FleetOptions): Promise<Fleet> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-scale-'));
  const databaseUrl = `${options.postgresUrl}?schema=${options.schemaPrefix}${randomBytes(4).toString('hex')}`;
  // One prefix for the whole fleet: its processes share their limits, and no other test's keys.
  const redisPrefix = `sbtest:${randomBytes(4).toString('hex')}:`;
  const env = (role: Role): NodeJS.ProcessEnv => ({
    SWITCHBOARD_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    SWITCHBOARD_ROLE: role,
    SWITCHBOARD_SECRET_KEY: 'scale-test-secret-key-0123456789',
    SWITCHBOARD_UPSTREAM_URL: simulator.url,
    SWITCHBOARD_ADMIN_KEY: SERVED_ADMIN_KEY,
    SWITCHBOARD_META_APP_SECRET: APP_SECRET,
    SWITCHBOARD_META_VERIFY_TOKEN: VERIFY_TOKEN,
    SWITCHBOARD_DEMO: 'false',
    SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true',
    SWITCHBOARD_BATCH_MAX: '1000',
    ...(options.redisUrl === undefined ? {} : { REDIS_URL: options.redisUrl, SWITCHBOARD_REDIS_PREFIX: redisPrefix }),
    ...options.env,
  });
  const members: ServedGateway[] = [];
  const killed = new Set<ServedGateway>();
  // The first process creates the schema and the admin key alone; the others then start together.
  members[0] = await serveProcess(env(options.roles[0]!));
  const rest = await Promise.all(options.roles.slice(1).map((role) => serveProcess(env(role))));
  members.push(...rest);
  await simulator.setWebhook({ url: `${members[0].url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
  return {
    databaseUrl,
    url: (index) => members[index]!.url,
    acceptingUrls: () => members.filter((_, i) => options.roles[i] !== 'worker').map((m) => m.url),
    async kill(index) {
      killed.add(members[index]!);
      await killHard(members[index]!.child);
    },
    async restart(index) {
      members[index] = await serveProcess(env(options.roles[index]!));
    },
    unexpectedExits: () =>
      members.filter((m) => !killed.has(m) && (m.child.exitCode !== null || m.child.signalCode !== null)).map((m) => m.output()),
    async dispose() {
      for (const member of members) await killHard(member.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Counts of the fleet's messages per status, read straight from its schema (a fresh connection each time). */
export async function messageStatuses(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ ...postgresClientConfig({ ...parsePostgresUrl(databaseUrl), connectTimeoutMs: 2_000 }) });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM messages GROUP BY status');
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  } finally {
    await client.end().catch(() => {});
  }
}

/** Messages dispatch has finished with: sent or later, or failed. */
export function finished(statuses: Record<string, number>): number {
  return (statuses.sent ?? 0) + (statuses.delivered ?? 0) + (statuses.read ?? 0) + (statuses.failed ?? 0);
}

export interface SendingNumber {
  readonly id: string;
  readonly phoneNumberId: string;
  readonly mps: number;
}

export interface Tenant {
  readonly key: string;
  readonly numbers: SendingNumber[];
}

/** An account with one number per rate in `rates` (msg/s; the simulator's own limit is higher, so it never hides the gateway's pace). */
export async function createTenant(simulator: SimulatorProcess, gatewayUrl: string, rates: readonly number[]): Promise<Tenant> {
  const business = await simulator.createBusiness({});
  await simulator.createTemplate({ wabaId: business.wabaId, name: 'hello_world', language: 'en_US', status: 'APPROVED', body: 'Hello World' });
  const account = await api(gatewayUrl, SERVED_ADMIN_KEY, 'POST', '/v1/admin/accounts', { name: 'scale' });
  const numbers: SendingNumber[] = [];
  for (const mps of rates) {
    const remote = await simulator.createPhoneNumber({ wabaId: business.wabaId, throughputMps: 1_000, registered: true });
    const number = await api(gatewayUrl, SERVED_ADMIN_KEY, 'POST', '/v1/admin/numbers', {
      phone_number_id: remote.phoneNumberId, display_phone_number: remote.displayPhoneNumber, waba_id: business.wabaId,
      account_id: account.body.id, registration: 'registered', max_mps: mps, access_token: business.accessToken,
    });
    if (number.status !== 201) throw new Error(`number not created: ${JSON.stringify(number.body)}`);
    numbers.push({ id: String(number.body.id), phoneNumberId: remote.phoneNumberId, mps });
  }
  await api(gatewayUrl, SERVED_ADMIN_KEY, 'PATCH', `/v1/admin/accounts/${String(account.body.id)}`, { default_number_id: numbers[0]!.id });
  const key = await api(gatewayUrl, SERVED_ADMIN_KEY, 'POST', '/v1/admin/keys', { kind: 'account', account_id: account.body.id });
  return { key: String(key.body.key), numbers };
}

export async function subscribeWebhooks(gatewayUrl: string, key: string, url: string, eventTypes: readonly string[]): Promise<void> {
  const endpoint = await api(gatewayUrl, key, 'POST', '/v1/webhooks', { url, event_types: eventTypes });
  if (endpoint.status !== 201) throw new Error(`webhook endpoint not created: ${JSON.stringify(endpoint.body)}`);
}

const template = (to: string, from: string) => ({ to, from, type: 'template', template: { name: 'hello_world', language: 'en_US' } });

export interface SendPace {
  /** Messages per request. */
  readonly batch: number;
  /** Requests in flight at once. */
  readonly lanes: number;
  /** Pause of each lane after a request: a trickle instead of a flood, so every worker claims a share. */
  readonly pauseMs: number;
}

const FLOOD: SendPace = { batch: 500, lanes: 3, pauseMs: 0 };

/**
 * Sends one message per entry of `plan` (the number id it goes from) through the batch endpoint, round-robin over
 * `urls`, each to its own recipient. Answers the ids accepted with the number each went from.
 */
export async function sendBatches(urls: readonly string[], key: string, plan: readonly string[], firstRecipient: number, pace: SendPace = FLOOD): Promise<Map<string, string>> {
  const accepted = new Map<string, string>();
  const batches = Array.from({ length: Math.ceil(plan.length / pace.batch) }, (_, b) =>
    plan.slice(b * pace.batch, (b + 1) * pace.batch).map((from, i) => template(`4917${String(firstRecipient + b * pace.batch + i)}`, from)));
  let next = 0;
  const lane = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      const res = await api(urls[b % urls.length]!, key, 'POST', '/v1/messages/batch', { messages: batches[b] });
      const results = (res.body.results ?? []) as { id?: string }[];
      results.forEach((result, i) => result.id && accepted.set(result.id, batches[b]![i]!.from));
      if (pace.pauseMs > 0) await new Promise((r) => setTimeout(r, pace.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: pace.lanes }, lane));
  return accepted;
}

export async function until(condition: () => Promise<boolean>, deadlineMs: number, pauseMs = 250): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return condition();
}
