/** The composed gateway (startGateway: dispatcher, simulator, delivery worker): a send's lifecycle arrives as webhooks. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { startReceiver, waitFor, type Receiver } from './webhooks-harness.js';
import { withTestDatabase } from '../helpers/test-database.js';

describe('webhooks from the composed gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-webhooks-journey-'));
  let gateway: RunningGateway | undefined;
  let receiver: Receiver | undefined;
  afterAll(async () => {
    await gateway?.close();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports a send\u2019s whole lifecycle (accepted, sent, delivered, read), signed, from the same process that accepted it', async () => {
    const config = loadConfig(withTestDatabase({ SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true', SWITCHBOARD_LOG_LEVEL: 'warn' }));
    gateway = await startGateway(config, { logger: false });
    receiver = await startReceiver();
    const key = gateway.firstStart.demo!.key;
    const call = (path: string, body: unknown) =>
      fetch(`${gateway!.url}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> }));
    const endpoint = await call('/v1/webhooks', { url: receiver.url, event_types: ['message.accepted', 'message.sent', 'message.delivered', 'message.read'] });
    expect(endpoint.status).toBe(201);
    const sent = await call('/v1/messages', { to: '4915112345678', type: 'template', template: { name: 'hello_world', language: 'en_US' } });
    expect(sent.status).toBe(202);
    const r = receiver;
    await waitFor('the four lifecycle events', () => r.received.filter((x) => x.answered === 200).length >= 4, 15_000);
    const events = r.received.map((x) => new Webhook(endpoint.body['secret']!).verify(x.body, {
      'webhook-id': String(x.headers['webhook-id']), 'webhook-timestamp': String(x.headers['webhook-timestamp']), 'webhook-signature': String(x.headers['webhook-signature']),
    }) as { type: string; data: { message_id: string; wamid?: string } });
    expect(events.map((e) => e.type).sort()).toEqual(['message.accepted', 'message.delivered', 'message.read', 'message.sent']);
    expect(events.every((e) => e.data.message_id === sent.body['id'])).toBe(true);
    expect(events.find((e) => e.type === 'message.sent')?.data.wamid).toMatch(/^wamid\./);
  }, 30_000);
});
