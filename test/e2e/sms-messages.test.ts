/**
 * SMS through the send API, over real sockets (gateway ↔ SMSC simulator): `channel: "sms"` on /v1/messages reaches
 * `delivered` from the receipt with its events, refusals come before anything is stored, credit is taken per segment
 * (and given back when the SMS centre refuses the submit), a failed receipt fails the message with its catalog entry,
 * and a receipt that arrives after a restart still finds its message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config as GatewayConfig } from '../../src/config.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulator/smsc/smsc-simulator.js';
import { callerOf, type TestGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';
import { startCarrierGateway, type CarrierGateway } from '../helpers/sms-carrier.js';
import { readTestDatabase, testDatabaseUrl } from '../helpers/test-database.js';

const ADMIN_KEY = 'sms-messages-admin-key-0123456789ab';

function configFor(dataDir: string, patch: Partial<GatewayConfig> = {}): GatewayConfig {
  return { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, databaseUrl: testDatabaseUrl(dataDir), adminKey: ADMIN_KEY, logLevel: 'silent', smsSyncSeconds: 0, ...patch };
}

function eventsOf(dataDir: string, messageId: string) {
  return readTestDatabase(dataDir, (db) => db.selectFrom('events').select(['type', 'payload']).where('subject_id', '=', messageId).orderBy('created_at').orderBy('id').execute());
}

describe('SMS on the send API, against the built-in SMSC simulator', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-messages-'));
  let gateway: RunningGateway;
  let call: TestGateway['call'];
  let key: string;
  let accountId: string;
  const admin = (method: string, path: string, body?: unknown) => call(method, path, { key: ADMIN_KEY, ...(body === undefined ? {} : { body }) });
  const send = (body: Record<string, unknown>) => call('POST', '/v1/messages', { key, body: { channel: 'sms', ...body } });
  const message = async (id: string) => (await call('GET', `/v1/messages/${id}`, { key })).body;
  const settled = (id: string, statuses: string[]) => until(() => message(id), (m) => statuses.includes(m.status), `${id} to reach ${statuses.join('/')}`);
  const balance = async () => (await admin('GET', `/v1/admin/accounts/${accountId}/ledger`)).body.balance as number | null;

  beforeAll(async () => {
    gateway = await startGateway(configFor(dataDir), { logger: false });
    call = callerOf(gateway.url);
    key = gateway.firstStart.demo!.key;
    accountId = gateway.firstStart.demo!.accountId;
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends an SMS from the account\u2019s sender id to delivered, with the sent and delivered events', async () => {
    const sim = gateway.sms.simulator!;
    const before = sim.submits.length;
    const accepted = await send({ to: '+4915112345678', text: { body: 'Your code is 1234' }, client_ref: 'otp-1' });
    expect([accepted.status, accepted.body.status]).toEqual([202, 'accepted']);
    const done = await settled(accepted.body.id, ['delivered']);
    expect(done.content).toMatchObject({ channel: 'sms', from: 'Switchboard', text: { body: 'Your code is 1234' }, encoding: 'gsm7', segments: 1 });
    expect(sim.submits.slice(before)).toEqual([expect.objectContaining({ from: 'Switchboard', to: '4915112345678', text: 'Your code is 1234' })]);
    expect(done.wamid).toBe(`${gateway.sms.pool!.readings()[0]!.id}:${sim.submits.at(-1)!.messageId}`);
    const events = await eventsOf(dataDir, accepted.body.id);
    expect(events.map((e) => e.type)).toEqual(['message.accepted', 'message.sent', 'message.delivered']);
    expect(events.map((e) => JSON.parse(e.payload).channel)).toEqual(['sms', 'sms', 'sms']);
    expect(JSON.parse(events[2]!.payload)).toMatchObject({ message_id: accepted.body.id, client_ref: 'otp-1', channel: 'sms' });
  });

  it('refuses an unroutable destination (10), a bad sender id (13) and too many segments before anything is stored', async () => {
    const listed = async () => (await call('GET', '/v1/messages?limit=500', { key })).body.data.length as number;
    const count = await listed();
    const badSender = await send({ to: '4915112345678', from: 'Switchboard Inc', text: { body: 'hi' } });
    expect([badSender.status, badSender.body.code, badSender.body.field]).toEqual([400, 'invalid_alphanumeric_sender', 'from']);
    expect((await send({ to: '4915112345678', from: 'Acme', text: { body: 'hi' } })).body.code).toBe('invalid_sender');
    expect((await send({ to: '4915112345678', text: { body: 'x'.repeat(160 * 7) } })).body.code).toBe('sms_too_many_segments');
    expect((await send({ to: '4915112345678', type: 'image', image: { link: 'https://example.com/a.png' } })).body).toMatchObject({ code: 'invalid_request', field: 'type' });
    const routes = (await admin('GET', '/v1/admin/sms/routes')).body.data as { id: string; prefix: string; connector_id: string }[];
    const fallback = routes.find((r) => r.prefix === '')!;
    await admin('DELETE', `/v1/admin/sms/routes/${fallback.id}`);
    try {
      const unroutable = await send({ to: '4915112345678', text: { body: 'hi' } });
      expect([unroutable.status, unroutable.body.code, unroutable.body.field]).toEqual([422, 'could_not_route', 'to']);
    } finally {
      await admin('POST', '/v1/admin/sms/routes', { prefix: '', connector_id: fallback.connector_id });
    }
    expect(await listed()).toBe(count);
  });

  it('takes credit per segment, keeps it for a sent SMS and gives it back when the SMS centre refuses the submit', async () => {
    expect((await admin('PUT', `/v1/admin/accounts/${accountId}/prices`, { prices: [{ category: 'sms', country: '*', price: 3 }] })).status).toBe(200);
    expect((await admin('POST', `/v1/admin/accounts/${accountId}/credit`, { amount: 100 })).status).toBe(201);
    const start = (await balance())!;
    const twoSegments = await send({ to: '4915112345001', text: { body: 'y'.repeat(200) } });
    expect(twoSegments.status).toBe(202);
    expect(await balance()).toBe(start - 6);
    expect((await settled(twoSegments.body.id, ['delivered'])).content.segments).toBe(2);
    expect(await balance()).toBe(start - 6);

    gateway.sms.simulator!.setFaults([{ to: '4915112345002', kind: 'status', status: 0x0b }]); // ESME_RINVDSTADR
    const refused = await send({ to: '4915112345002', text: { body: 'hi' } });
    const failed = await settled(refused.body.id, ['failed']);
    expect(failed.error).toMatchObject({ namespace: expect.any(String) });
    expect(await balance()).toBe(start - 6);
    expect((await eventsOf(dataDir, refused.body.id)).map((e) => e.type)).toEqual(['message.accepted', 'message.failed']);

    const poor = await admin('POST', `/v1/admin/accounts/${accountId}/credit`, { amount: -(start - 6 - 2), kind: 'adjust' });
    expect(poor.body.balance).toBe(2);
    expect((await send({ to: '4915112345003', text: { body: 'hi' } })).body.code).toBe('insufficient_credit');
  });

  it('fails the message with the receipt\u2019s catalog entry (subscriber unknown, reason 5, permanent)', async () => {
    gateway.sms.simulator!.setFaults([{ to: '4915112345004', kind: 'receipt', stat: 'UNDELIV', err: 5 }]);
    await admin('POST', `/v1/admin/accounts/${accountId}/credit`, { amount: 100 });
    const accepted = await send({ to: '4915112345004', text: { body: 'hi' } });
    const failed = await settled(accepted.body.id, ['failed']);
    expect(failed.error).toMatchObject({ namespace: 'sms', code: 5 });
    expect((await eventsOf(dataDir, accepted.body.id)).map((e) => e.type)).toEqual(['message.accepted', 'message.sent', 'message.failed']);
    expect(gateway.sms.simulator!.submits.filter((s) => s.to === '4915112345004')).toHaveLength(1);
  });

  it('takes SMS items in a batch (each refused alone) and repeats an idempotent SMS send without sending twice', async () => {
    const sim = gateway.sms.simulator!;
    const batch = await call('POST', '/v1/messages/batch', { key, body: { messages: [
      { channel: 'sms', to: '4915112345011', text: { body: 'one' } },
      { channel: 'sms', to: '4915112345012', from: 'Nope', text: { body: 'two' } },
    ] } });
    expect(batch.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(batch.body.results[1]).toMatchObject({ status: 'rejected', error: { code: 'invalid_sender', field: 'messages[1].from' } });
    await settled(batch.body.results[0].id, ['delivered']);

    const headers = { 'idempotency-key': 'sms-once' };
    const body = { channel: 'sms', to: '4915112345013', text: { body: 'once' } };
    const first = await call('POST', '/v1/messages', { key, body, headers });
    const again = await call('POST', '/v1/messages', { key, body, headers });
    expect(again.body.id).toBe(first.body.id);
    await settled(first.body.id, ['delivered']);
    expect(sim.submits.filter((s) => s.to === '4915112345013')).toHaveLength(1);
  });

  it('refuses an SMS to a contact who opted out', async () => {
    await gateway.store.recordOptOut(accountId, '4915112345005', Date.now());
    expect((await send({ to: '4915112345005', text: { body: 'hi' } })).body.code).toBe('recipient_opted_out');
  });
});

describe('an SMS receipt after a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-restart-receipt-'));
  let carrier: SmscSimulator;
  beforeAll(async () => {
    carrier = await startSmscSimulator({ accounts: [{ systemId: 'acme', password: 'pw' }], receiptDelayMs: 2500 });
  });
  afterAll(async () => {
    await carrier?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds its message by the stored SMSC id and delivers it', async () => {
    const config = configFor(dataDir, { smsSimulator: false });
    const first = await startGateway(config, { logger: false });
    const demo = first.firstStart.demo!;
    const call = callerOf(first.url);
    const admin = (method: string, path: string, body?: unknown) => call(method, path, { key: ADMIN_KEY, body });
    const connector = await admin('POST', '/v1/admin/sms/connectors', { name: 'Carrier', host: carrier.host, port: carrier.port, system_id: 'acme', password: 'pw', throughput_per_second: 20, window: 5 });
    await admin('POST', '/v1/admin/sms/routes', { prefix: '49', connector_id: connector.body.id });
    await admin('POST', `/v1/admin/accounts/${demo.accountId}/sms-sender-ids`, { sender_id: 'Acme' });
    await until(async () => first.sms.pool?.connector(connector.body.id)?.state, (s) => s === 'bound', 'the connector to bind');
    const accepted = await call('POST', '/v1/messages', { key: demo.key, body: { channel: 'sms', to: '4915112345678', text: { body: 'after restart' } } });
    await until(async () => (await call('GET', `/v1/messages/${accepted.body.id}`, { key: demo.key })).body.status, (s) => s === 'sent', 'the SMS to be sent');
    await first.close();

    const second = await startGateway(config, { logger: false });
    try {
      const again = callerOf(second.url);
      const done = await until(async () => (await again('GET', `/v1/messages/${accepted.body.id}`, { key: demo.key })).body, (m) => m.status === 'delivered', 'the receipt to arrive');
      expect(done.timestamps.delivered).toBeDefined();
      expect(carrier.submits).toHaveLength(1);
      expect((await eventsOf(dataDir, accepted.body.id)).map((e) => e.type)).toEqual(['message.accepted', 'message.sent', 'message.delivered']);
    } finally {
      await second.close();
    }
  });
});

describe('an SMS whose receipt reports a transient failure', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-retry-'));
  let carrier: SmscSimulator;
  let gateway: RunningGateway;
  let call: TestGateway['call'];
  const submitsTo = (to: string) => carrier.submits.filter((s) => s.to === to);
  let wired: CarrierGateway;
  beforeAll(async () => {
    // Receipts come 300 ms after the submit: time for the test to clear a fault before the retried submit.
    wired = await startCarrierGateway(dataDir, { receiptDelayMs: 300 }, { throughputPerSecond: 20, window: 5 });
    ({ carrier, gateway } = wired);
    call = callerOf(gateway.url);
  });
  afterAll(async () => {
    await wired?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const send = async (to: string) => String((await call('POST', '/v1/messages', { key: gateway.firstStart.demo!.key, body: { channel: 'sms', to, text: { body: 'retry me' } } })).body.id);
  const read = async (id: string) => (await call('GET', `/v1/messages/${id}`, { key: gateway.firstStart.demo!.key })).body;

  it('submits again after an absent subscriber (reason 8, transient) and is delivered once the subscriber is back', async () => {
    const to = '4915112340001';
    carrier.setFaults([{ to, kind: 'receipt', stat: 'UNDELIV', err: 8 }]);
    const id = await send(to);
    await until(async () => submitsTo(to).length, (n) => n >= 1, 'the first submit', 5000);
    carrier.setFaults([]);
    const done = await until(() => read(id), (m) => m.status === 'delivered' || m.status === 'failed', 'the retried SMS to settle');
    expect(done.status).toBe('delivered');
    expect(submitsTo(to)).toHaveLength(2);
    expect((await eventsOf(dataDir, id)).map((e) => e.type)).toEqual(['message.accepted', 'message.sent', 'message.sent', 'message.delivered']);
  });

  it('fails with the entry once the retries run out', async () => {
    const to = '4915112340002';
    carrier.setFaults([{ to, kind: 'receipt', stat: 'UNDELIV', err: 8 }]);
    const id = await send(to);
    const done = await until(() => read(id), (m) => m.status === 'failed', 'the SMS to fail');
    expect(done.error).toMatchObject({ namespace: 'sms', code: 8 });
    expect(submitsTo(to)).toHaveLength(3);
  });
});
