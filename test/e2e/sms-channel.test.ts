/**
 * The SMS channel in a running gateway, over real sockets: `npm start`'s built-in SMSC simulator and demo connector,
 * the admin API round trip (connectors, routes, sender ids), refusals before anything is sent, `/readyz` showing a
 * connector that cannot bind, and the same configuration through the `switchboard sms` CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { DEMO_CONNECTOR_NAME } from '../../src/sms/sms-channel.js';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulator/smsc/smsc-simulator.js';
import { callerOf, type TestGateway } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';
import { testDatabaseUrl, withTestDatabase } from '../helpers/test-database.js';

const ADMIN_KEY = 'sms-e2e-admin-key-0123456789abcdef';
const FAST_RECONNECT = { reconnect: { baseMs: 50, maxMs: 200 } };

describe('SMS channel in the gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-'));
  let gateway: RunningGateway;
  let call: TestGateway['call'];
  let carrier: SmscSimulator;
  const admin = (method: string, path: string, body?: unknown) => call(method, path, { key: ADMIN_KEY, ...(body === undefined ? {} : { body }) });
  const ready = () => call('GET', '/readyz');

  beforeAll(async () => {
    carrier = await startSmscSimulator({ accounts: [{ systemId: 'acme', password: 'right' }] });
    gateway = await startGateway(
      { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, databaseUrl: testDatabaseUrl(dataDir), adminKey: ADMIN_KEY, logLevel: 'silent', smsSyncSeconds: 0 },
      { logger: false, smsTiming: FAST_RECONNECT },
    );
    call = callerOf(gateway.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await carrier?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the built-in SMSC simulator with a bound demo connector, a default route and the demo sender id', async () => {
    const connectors = (await admin('GET', '/v1/admin/sms/connectors')).body.data;
    expect(connectors).toEqual([expect.objectContaining({ name: DEMO_CONNECTOR_NAME, host: '127.0.0.1', port: gateway.sms.simulator?.port, enabled: true })]);
    expect(JSON.stringify(connectors)).not.toContain('password');
    expect((await admin('GET', '/v1/admin/sms/routes')).body.data).toEqual([expect.objectContaining({ prefix: '', connector_id: connectors[0].id, account_ids: null })]);
    const demo = gateway.firstStart.demo!;
    expect((await admin('GET', `/v1/admin/accounts/${demo.accountId}/sms-sender-ids`)).body.data).toEqual(['Switchboard']);
    const answer = await until(ready, (r) => r.status === 200, 'the demo connector to bind');
    expect(answer.body.details['sms-connectors']).toEqual({ [connectors[0].id]: 'bound' });
  });

  it('sends a test SMS as the demo account through the demo connector', async () => {
    const demo = gateway.firstStart.demo!;
    const sim = gateway.sms.simulator!;
    const before = sim.submits.length;
    const sent = await admin('POST', '/v1/admin/sms/test-send', { account_id: demo.accountId, from: 'Switchboard', to: '+4915112345678', text: 'Grüße aus Köln: 5€' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ encoding: 'gsm7', segments: 1, smsc_message_ids: [expect.stringMatching(/^smsc/)] });
    expect(sim.submits.slice(before)).toEqual([expect.objectContaining({ from: 'Switchboard', to: '4915112345678', text: 'Grüße aus Köln: 5€', registeredDelivery: 1 })]);
    const id = sent.body.connector_id as string;
    const metrics = await until(async () => String((await call('GET', '/metrics', { key: ADMIN_KEY })).body), (text) => text.includes(`switchboard_sms_receipts_total{connector="${id}",stat="DELIVRD"}`), 'the receipt to be counted');
    expect(metrics).toMatch(new RegExp(`switchboard_sms_submits_total\\{connector="${id}",outcome="accepted"\\} [1-9]`));
    expect(metrics).toContain(`switchboard_sms_connector_bound{connector="${id}"} 1`);
  });

  it('refuses a bad sender id and an unroutable destination before anything is sent (seed codes 13, 12, 10)', async () => {
    const demo = gateway.firstStart.demo!;
    const sim = gateway.sms.simulator!;
    const before = sim.submits.length;
    const send = (from: string, to = '4915112345678') => admin('POST', '/v1/admin/sms/test-send', { account_id: demo.accountId, from, to, text: 'hi' });
    const tooLong = await send('Switchboard Inc');
    expect([tooLong.status, tooLong.body.code, tooLong.body.field]).toEqual([400, 'invalid_alphanumeric_sender', 'from']);
    expect((await send('Acme')).body.code).toBe('invalid_sender');
    const routes = (await admin('GET', '/v1/admin/sms/routes')).body.data as { id: string; prefix: string; connector_id: string }[];
    const fallback = routes.find((r) => r.prefix === '')!;
    expect((await admin('DELETE', `/v1/admin/sms/routes/${fallback.id}`)).body).toEqual({ id: fallback.id, removed: true });
    const unroutable = await send('Switchboard');
    expect([unroutable.status, unroutable.body.code]).toEqual([422, 'could_not_route']);
    expect(sim.submits.length).toBe(before);
    expect((await admin('POST', '/v1/admin/sms/routes', { prefix: '', connector_id: fallback.connector_id })).status).toBe(201);
  });

  it('manages a connector through the admin API; /readyz shows it down until its credentials are right', async () => {
    const account = (await admin('POST', '/v1/admin/accounts', { name: 'sms-routes' })).body;
    const created = await admin('POST', '/v1/admin/sms/connectors', {
      name: 'Carrier A', host: carrier.host, port: carrier.port, system_id: 'acme', password: 'wrong', throughput_per_second: 20, window: 5,
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('wrong');
    const id = created.body.id as string;
    const down = await until(ready, (r) => r.body.details?.['sms-connectors']?.[id] === 'refused', 'the refused bind to show');
    expect([down.status, down.body.code, down.body.failing]).toEqual([503, 'service_unavailable', ['sms-connectors']]);
    expect(down.body.detail).toContain(`${id} refused`);
    expect((await admin('GET', `/v1/admin/sms/connectors/${id}`)).body.bind_state).toBe('refused');

    expect((await admin('PATCH', `/v1/admin/sms/connectors/${id}`, { password: 'right' })).status).toBe(200);
    await until(ready, (r) => r.status === 200, 'the connector to bind with the new password');
    expect((await admin('GET', `/v1/admin/sms/connectors/${id}`)).body.bind_state).toBe('bound');

    const route = await admin('POST', '/v1/admin/sms/routes', { prefix: '+44', connector_id: id, account_ids: [account.id] });
    expect(route.body).toMatchObject({ prefix: '44', connector_id: id, account_ids: [account.id] });
    expect((await admin('POST', '/v1/admin/sms/routes', { prefix: '44', connector_id: id })).body.code).toBe('conflict');
    expect((await admin('POST', '/v1/admin/sms/routes', { prefix: '4x', connector_id: id })).body).toMatchObject({ code: 'invalid_request', field: 'prefix' });
    expect((await admin('POST', '/v1/admin/sms/routes', { prefix: '33', connector_id: 'smsc_nope' })).body).toMatchObject({ code: 'not_found', field: 'connector_id' });
    const demo = gateway.firstStart.demo!;
    const restricted = await admin('POST', '/v1/admin/sms/test-send', { account_id: demo.accountId, from: 'Switchboard', to: '447700900123', text: 'hi' });
    expect([restricted.status, restricted.body.code]).toEqual([403, 'route_not_allowed']);

    expect((await admin('POST', `/v1/admin/accounts/${account.id}/sms-sender-ids`, { sender_id: '+447700900000' })).body.data).toEqual(['447700900000']);
    expect((await admin('POST', `/v1/admin/accounts/${account.id}/sms-sender-ids`, { sender_id: 'Bad Sender Name' })).body.code).toBe('invalid_alphanumeric_sender');
    const viaCarrier = await admin('POST', '/v1/admin/sms/test-send', { account_id: account.id, from: '447700900000', to: '447700900123', text: 'Привет' });
    expect(viaCarrier.body).toMatchObject({ connector_id: id, encoding: 'ucs2', segments: 1 });
    expect(carrier.submits.at(-1)).toMatchObject({ systemId: 'acme', from: '447700900000', dataCoding: 8, text: 'Привет' });

    expect((await admin('DELETE', `/v1/admin/sms/connectors/${id}`)).body.code).toBe('conflict');
    await admin('DELETE', `/v1/admin/sms/routes/${route.body.id}`);
    expect((await admin('DELETE', `/v1/admin/sms/connectors/${id}`)).body).toEqual({ id, removed: true });
    const after = await until(ready, (r) => r.status === 200 && r.body.details?.['sms-connectors']?.[id] === undefined, 'the removed connector to leave /readyz');
    expect(Object.keys(after.body.details['sms-connectors'])).toHaveLength(1);
    expect((await admin('POST', '/v1/admin/sms/connectors', { name: 'x', host: 'h', port: 70_000, system_id: 'a', password: 'b', throughput_per_second: 1, window: 1 })).body.code).toBe('invalid_request');
  });
});

describe('the demo SMS connector across restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is created once and pointed at each start\u2019s simulator, then binds again', async () => {
    const config = { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, databaseUrl: testDatabaseUrl(dataDir), adminKey: ADMIN_KEY, logLevel: 'silent', smsSyncSeconds: 0 };
    for (let start = 0; start < 2; start += 1) {
      const gateway = await startGateway(config, { logger: false });
      try {
        const connectors = await gateway.store.sms.listConnectors();
        expect(connectors.map((c) => [c.name, c.port])).toEqual([[DEMO_CONNECTOR_NAME, gateway.sms.simulator!.port]]);
        expect(await gateway.store.sms.listRoutes()).toHaveLength(1);
        expect(gateway.sms.pool?.connector(connectors[0]!.id)?.state).toBe('bound');
      } finally {
        await gateway.close();
      }
    }
  });
});

describe('a built-in SMSC simulator that cannot start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-taken-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('leaves the gateway running without it, and says why', async () => {
    const occupant = await startSmscSimulator({ accounts: [] });
    try {
      const config = {
        ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, databaseUrl: testDatabaseUrl(dataDir), adminKey: ADMIN_KEY, logLevel: 'silent',
        smsSyncSeconds: 0, smsSimulatorPort: occupant.port,
      };
      const gateway = await startGateway(config, { logger: false });
      try {
        expect(gateway.sms.simulator).toBeUndefined();
        expect(gateway.sms.note).toMatch(/^the built-in SMSC simulator did not start \(.*EADDRINUSE/);
        expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
      } finally {
        await gateway.close();
      }
    } finally {
      await occupant.close();
    }
  });
});

describe('switchboard sms (CLI)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-cli-'));
  const run = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [resolve(import.meta.dirname, '../../bin/switchboard.js'), ...args], {
      env: { ...process.env, ...withTestDatabase({ SWITCHBOARD_DATA_DIR: dataDir }) },
    });
    return stdout;
  };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('adds a connector, a route and a sender id, lists them, and refuses what the API refuses', async () => {
    const account = JSON.parse(await run('accounts', 'create', 'sms-cli', '--json')) as { id: string };
    const connector = JSON.parse(await run('sms', 'connectors', 'add', '--name', 'Carrier', '--host', 'smsc.example', '--port', '2775', '--system-id', 'acme',
      '--password', 'pw', '--throughput', '30', '--window', '4', '--json')) as { id: string; throughput_per_second: number; bind_state: string };
    expect(connector).toMatchObject({ throughput_per_second: 30, bind_state: 'not-running' });
    const route = JSON.parse(await run('sms', 'routes', 'add', '49', connector.id, '--accounts', account.id, '--json')) as { prefix: string; account_ids: string[] };
    expect(route).toMatchObject({ prefix: '49', account_ids: [account.id] });
    expect(JSON.parse(await run('sms', 'senders', 'add', account.id, 'Acme Shop', '--json'))).toEqual({ account_id: account.id, sender_id: 'Acme Shop' });
    expect(JSON.parse(await run('sms', 'senders', 'list', account.id, '--json'))).toEqual([{ account_id: account.id, sender_id: 'Acme Shop' }]);
    const disabled = JSON.parse(await run('sms', 'connectors', 'update', connector.id, '--disable', '--json')) as { bind_state: string; enabled: boolean };
    expect(disabled).toMatchObject({ enabled: false, bind_state: 'disabled' });
    await expect(run('sms', 'senders', 'add', account.id, 'Far Too Long Name')).rejects.toMatchObject({ stderr: expect.stringContaining('A text sender id has 1 to 11 GSM letters') });
  }, 60_000);
});
