/**
 * Meta's webhook endpoint fed batches with malformed items, far-future timestamps and replays, signed with the app
 * secret, on the composed gateway (receiver, applier, customer webhooks): never a 5xx, every good item of a batch
 * applied whatever its neighbours, replays change nothing, and no timestamp opens a window for longer than a day.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { signBody } from '../../src/webhooks/inbound/verify.js';
import { startReceiver, waitFor, type Receiver } from '../e2e/webhooks-harness.js';
import { callerOf, createTenantWith, type TestGateway, type TestTenant } from '../helpers/gateway.js';
import { checkAnswer } from './answer-check.js';
import { sendFault, type FaultAnswer } from './fault-http.js';
import { faultScale, reportFigures } from './fault-scale.js';
import { batchBody, newExpectations, ODD_BODIES, type BatchTarget } from './meta-batches.js';
import { faultRandoms, faultSeed } from './fault-random.js';
import { withTestDatabase } from '../helpers/test-database.js';

const APP_SECRET = 'fault-suite-meta-app-secret';
const ADMIN_KEY = 'fault-suite-admin-key-0123456789';
const DAY_MS = 24 * 3600_000;
const MESSAGES = 12;

let dataDir: string;
let gateway: RunningGateway;
let receiver: Receiver;
let call: TestGateway['call'];
let tenant: TestTenant;
let target: BatchTarget;
let messageIds: string[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-faults-meta-'));
  // No dispatcher and an upstream nobody listens on: the messages are moved to `sent` below, as a dispatcher would.
  const config = loadConfig(withTestDatabase({
    SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_UPSTREAM_URL: 'http://127.0.0.1:9',
    SWITCHBOARD_META_APP_SECRET: APP_SECRET, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true',
  }));
  gateway = await startGateway(config, { logger: false, withoutDispatcher: true });
  receiver = await startReceiver();
  call = callerOf(gateway.url);
  tenant = await createTenantWith(call, ADMIN_KEY, { name: 'meta-faults' });
  await call('POST', '/v1/webhooks', { key: tenant.key, body: { url: receiver.url, event_types: ['message.received', 'message.delivered', 'message.read'] } });
  messageIds = [];
  for (let i = 0; i < MESSAGES; i += 1) {
    const sent = await call('POST', '/v1/messages', { key: tenant.key, body: { to: `49151500${String(i).padStart(5, '0')}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } } });
    messageIds.push(sent.body.id);
  }
  const jobs = await gateway.store.dispatchQueue.claim({ owner: 'fault-suite', now: Date.now(), leaseMs: 60_000, limit: MESSAGES });
  const tasks = await gateway.store.dispatch.loadTasks(jobs, Date.now());
  const wamids = tasks.map((t) => `wamid.fault-${t.messageId}`);
  await gateway.store.dispatch.settleSent(tasks.map((task, i) => ({ task, wamid: wamids[i]!, at: Date.now() })));
  target = { wabaId: tenant.wabaId, phoneNumberId: tenant.phoneNumberId, wamids };
});
afterAll(async () => {
  await gateway?.close();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function post(body: string, signature: string | undefined): Promise<FaultAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }) };
  return sendFault(new URL(gateway.url), { method: 'POST', path: '/webhooks/meta', headers, body: Buffer.from(body) });
}

/** Every stored delivery applied and every event it raised delivered to the receiver (or the wait times out). */
async function settled(): Promise<void> {
  await waitFor('every Meta delivery applied', async () => (await gateway.store.inbound.pendingMetaWebhooks(1)).length === 0, 20_000);
  await waitFor('every customer event delivered', async () => (await gateway.store.webhooks.countBacklog(tenant.accountId)) === 0, 20_000);
}

/** What the customer can see: messages with their status times, events received, and each contact's window. */
async function customerView(contacts: readonly string[]): Promise<string> {
  const messages = (await call('GET', '/v1/messages?limit=100', { key: tenant.key })).body;
  const windows = [];
  for (const to of contacts) windows.push((await gateway.store.getSendFacts({ accountId: tenant.accountId, numberId: tenant.numberId, wabaId: tenant.wabaId, to, needsWindow: true })).lastInboundAt);
  return JSON.stringify({ messages, events: receiver.received.map((r) => r.headers['webhook-id']).sort(), windows });
}

describe('Meta webhook batches', () => {
  it('never answers 5xx, applies the good items of every batch, ignores replays and bounds far-future timestamps', async () => {
    const expectations = newExpectations();
    // One draw source per batch.
    const bodies = faultRandoms(faultScale(25, 250)).map((random, b) => batchBody(random, target, expectations, b, 1 + random.int(12)));
    const failures: string[] = [];
    const figures = { requests: 0, answers5xx: 0, honestUnavailable: 0, nonProblem: 0, batches: bodies.length, oddBodies: ODD_BODIES.length, statusesDropped: 0, messagesDropped: 0, replayChanges: 0, windowsTooLong: 0 };
    const send = async (what: string, body: string, signature: string | undefined, expected: number) => {
      const answer = await post(body, signature);
      figures.requests += 1;
      const { violations } = checkAnswer(answer, 'POST');
      if (answer.status >= 500) figures.answers5xx += 1;
      if (violations.includes('not problem+json')) figures.nonProblem += 1;
      if (answer.status !== expected || violations.length > 0) failures.push(`${what}: ${answer.status} ${violations.join(', ')} ${answer.text.slice(0, 160)}`);
    };

    for (const [i, body] of bodies.entries()) await send(`batch ${i}`, body, signBody(body, APP_SECRET), 200);
    for (const [i, body] of ODD_BODIES.entries()) await send(`odd body ${i}`, body, signBody(body, APP_SECRET), 200);
    await send('unsigned batch', bodies[0]!, undefined, 401);
    await send('batch signed with another secret', bodies[0]!, signBody(bodies[0]!, 'not-the-app-secret'), 401);
    await send('signature of another body', bodies[0]!, signBody(bodies[1]!, APP_SECRET), 401);
    await settled();

    for (const [wamid, status] of expectations.statuses) {
      const id = messageIds.find((m) => wamid.endsWith(m))!;
      const message = (await call('GET', `/v1/messages/${id}`, { key: tenant.key })).body;
      if (message.status !== status) {
        figures.statusesDropped += 1;
        failures.push(`status dropped: ${id} is ${message.status}, a good item said ${status}`);
      }
    }
    const receivedIds = new Set(receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: { wamid: string } }).filter((e) => e.type === 'message.received').map((e) => e.data.wamid));
    for (const wamid of expectations.received) if (!receivedIds.has(wamid)) figures.messagesDropped += 1;
    if (figures.messagesDropped > 0) failures.push(`${figures.messagesDropped} good customer messages raised no message.received`);
    const contacts = [...expectations.farFutureWriters, ...expectations.writers];
    const now = Date.now();
    for (const to of contacts) {
      const { lastInboundAt } = await gateway.store.getSendFacts({ accountId: tenant.accountId, numberId: tenant.numberId, wabaId: tenant.wabaId, to, needsWindow: true });
      if (expectations.writers.has(to) && lastInboundAt === null) failures.push(`no window for ${to}, who wrote`);
      if (lastInboundAt !== null && lastInboundAt > now + 3600_000) {
        figures.windowsTooLong += 1;
        failures.push(`window of ${to} open for ${Math.round((lastInboundAt + DAY_MS - now) / DAY_MS)} days from now`);
      }
    }
    const checked = await sendFault(new URL(gateway.url), {
      method: 'POST', path: '/v1/contacts/check', headers: { 'x-api-key': tenant.key, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ contacts: contacts.slice(0, 50) })),
    });
    figures.requests += 1;
    const { violations } = checkAnswer(checked, 'POST');
    if (checked.status >= 500) figures.answers5xx += 1;
    // The writers not cached yet are asked of the upstream, which nobody serves here: a 502 from the catalog.
    if (checked.status >= 500 && !violations.includes('5xx')) figures.honestUnavailable += 1;
    if (violations.length > 0) failures.push(`contact check of the writers: ${checked.status} ${violations.join(', ')} ${checked.text.slice(0, 160)}`);

    const before = await customerView(contacts);
    for (const body of [...bodies, ...bodies.slice().reverse()]) await send('replay', body, signBody(body, APP_SECRET), 200);
    await settled();
    const after = await customerView(contacts);
    if (after !== before) {
      figures.replayChanges += 1;
      failures.push(`replays changed what the customer sees:\n${before}\n${after}`);
    }

    reportFigures('meta webhook batches', { ...figures, goodStatuses: expectations.statuses.size, goodMessages: expectations.received.size, farFutureWriters: expectations.farFutureWriters.size, seed: faultSeed() });
    expect(failures).toEqual([]);
  }, faultScale(120_000, 600_000));
});
