/** Customer webhooks over real sockets: signed deliveries, retries, outages, the backlog cap, isolation, disabling, replay. */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_SCHEDULE, startReceiver, startWebhookGateway, waitFor, type Receiver, type WebhookGateway } from './webhooks-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function gateway(options: Parameters<typeof startWebhookGateway>[0] = {}): Promise<WebhookGateway> {
  const g = await startWebhookGateway(options);
  cleanups.push(() => g.close());
  return g;
}
async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}
function headersOf(r: { headers: Record<string, unknown> }): Record<string, string> {
  return { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
}

describe('customer webhooks', () => {
  it('delivers message.accepted signed after Standard Webhooks, verifiable with the standardwebhooks package, through a secret rotation', async () => {
    const g = await gateway();
    const r = await receiver();
    const created = await g.call('POST', '/v1/webhooks', { url: r.url, event_types: ['message.accepted'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const sent = await g.send();
    expect(sent.status).toBe(202);
    await waitFor('the first delivery', () => r.received.length === 1);
    const first = r.received[0]!;
    const payload = new Webhook(created.body.secret).verify(first.body, headersOf(first)) as { type: string; timestamp: string; data: { message_id: string } };
    expect(payload.type).toBe('message.accepted');
    expect(payload.data.message_id).toBe(sent.body.id);
    expect(Date.parse(payload.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(first.headers['webhook-id']).toMatch(/^evt_/);
    expect(() => new Webhook('whsec_' + Buffer.alloc(24, 1).toString('base64')).verify(first.body, headersOf(first))).toThrow();

    // Rotation: both secrets sign during the grace period, so a receiver holding either one accepts.
    const rotated = await g.call('POST', `/v1/webhooks/${created.body.id}/rotate-secret`, { grace_seconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    await new Promise((done) => setTimeout(done, 1_100)); // the worker reads endpoints again after its 1 s cache
    await g.send();
    await waitFor('the second delivery', () => r.received.length === 2);
    const second = r.received[1]!;
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.body.secret).verify(second.body, headersOf(second))).toBeTruthy();
    expect(new Webhook(created.body.secret).verify(second.body, headersOf(second))).toBeTruthy();
  });

  it('gives a receiver answering 500, 500, 200 the event exactly three times, each attempt recorded', async () => {
    const g = await gateway();
    const r = await receiver();
    r.answer = (i) => (i < 2 ? 500 : 200);
    const created = await g.call('POST', '/v1/webhooks', { url: r.url });
    await g.send();
    await waitFor('the delivery', () => r.received.some((x) => x.answered === 200));
    await new Promise((done) => setTimeout(done, 400)); // nothing more may arrive
    expect(r.received.map((x) => x.answered)).toEqual([500, 500, 200]);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    const attempts = await g.call('GET', `/v1/webhooks/${created.body.id}/attempts`);
    expect(attempts.status).toBe(200);
    expect(attempts.body.data.map((a: { status_code: number }) => a.status_code)).toEqual([200, 500, 500]);
    expect(attempts.body.data[2]).toMatchObject({ trigger: 'scheduled', outcome: 'status', response: 'failing with 500' });
    expect(attempts.body.data[2].next_attempt_at).not.toBeNull();
    expect(attempts.body.data[0].next_attempt_at).toBeNull();
  });

  it('delivers every event to an endpoint that was down for a while once it is back', async () => {
    const g = await gateway({ settings: FAST_SCHEDULE });
    const r = await receiver();
    await g.call('POST', '/v1/webhooks', { url: r.url });
    await r.down();
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push((await g.send()).body.id);
    await new Promise((done) => setTimeout(done, 300)); // several attempts meet a refused connection
    await r.up();
    await waitFor('all 20 events', () => r.deliveredIds().size === 20, 15_000);
    const messageIds = r.received.filter((x) => x.answered === 200).map((x) => (JSON.parse(x.body) as { data: { message_id: string } }).data.message_id);
    expect(new Set(messageIds)).toEqual(new Set(ids));
  });

  it('refuses new sends of an account past its backlog cap with webhook_backlog_full and Retry-After, and recovers when it drains', async () => {
    const g = await gateway({ settings: { webhookBacklogCap: 5, ...FAST_SCHEDULE } });
    const r = await receiver();
    r.answer = 503;
    await g.call('POST', '/v1/webhooks', { url: r.url });
    const other = await g.createTenant('bystander');
    for (let i = 0; i < 5; i += 1) expect((await g.send()).status).toBe(202);
    await new Promise((done) => setTimeout(done, 600)); // the per-account count is cached for 500 ms
    const refused = await g.send();
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('webhook_backlog_full');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are unaffected.
    const bystander = await g.call('POST', '/v1/messages', { to: '491510000999', type: 'template', template: { name: 'hello_world', language: 'en_US' } }, other.key);
    expect(bystander.status).toBe(202);

    r.answer = 200;
    await waitFor('the backlog to drain', () => r.deliveredIds().size === 5, 15_000);
    await waitFor('sends to be accepted again', async () => (await g.send()).status === 202, 5_000);
  });

  it('never lets a slow endpoint delay another endpoint', async () => {
    const g = await gateway({ worker: { perEndpointConcurrency: 2, perEndpointBuffer: 8 } });
    const slow = await receiver();
    slow.delayMs = 2_000;
    const fast = await receiver();
    await g.call('POST', '/v1/webhooks', { url: slow.url });
    await g.call('POST', '/v1/webhooks', { url: fast.url });
    const started = Date.now();
    for (let i = 0; i < 30; i += 1) await g.send();
    await waitFor('the fast endpoint to get all 30', () => fast.deliveredIds().size === 30, 5_000);
    expect(Date.now() - started).toBeLessThan(1_900);
    // Still on its first posts: at most its own concurrency (2) reached it, none answered yet.
    expect(slow.received.length).toBeLessThanOrEqual(2);
  });

  it('disables an endpoint after a period of failure, says why, and tells the account\u2019s other endpoints', async () => {
    const g = await gateway({ settings: { webhookDisableAfterSeconds: 0.3, webhookRetrySchedule: Array(40).fill(0.05) } });
    const dead = await receiver();
    dead.answer = 500;
    const watcher = await receiver();
    const endpoint = await g.call('POST', '/v1/webhooks', { url: dead.url, event_types: ['message.accepted'] });
    await g.call('POST', '/v1/webhooks', { url: watcher.url, event_types: ['endpoint.disabled'] });
    await g.send();
    await waitFor('the endpoint.disabled event', () => watcher.received.length === 1, 10_000);
    const event = JSON.parse(watcher.received[0]!.body) as { type: string; data: { endpoint_id: string; reason: string } };
    expect(event.type).toBe('endpoint.disabled');
    expect(event.data.endpoint_id).toBe(endpoint.body.id);
    expect(event.data.reason).toMatch(/no delivery succeeded since .* \(last attempt: HTTP 500\)/);
    const read = await g.call('GET', `/v1/webhooks/${endpoint.body.id}`);
    expect(read.body).toMatchObject({ enabled: false });
    expect(read.body.disabled_reason).toContain('HTTP 500');
    expect(g.logged.some((l) => l.level === 'warn' && l.message === 'webhook endpoint disabled' && l.fields['endpointId'] === endpoint.body.id)).toBe(true);
    // Nothing more is sent to it, and the account's backlog is empty again.
    const seen = dead.received.length;
    await g.send();
    await new Promise((done) => setTimeout(done, 300));
    expect(dead.received.length).toBe(seen);
    expect(await g.store.webhooks.countBacklog(g.accountId)).toBe(0);
  });

  it('replays failed deliveries once on request, never scheduling more attempts', async () => {
    const g = await gateway({ settings: { webhookRetrySchedule: [0.02, 0.02] } });
    const r = await receiver();
    r.answer = 500;
    const endpoint = await g.call('POST', '/v1/webhooks', { url: r.url });
    await g.send();
    await waitFor('the schedule to run out', () => r.received.length === 3);
    await new Promise((done) => setTimeout(done, 200));
    expect(r.received).toHaveLength(3);

    // A failed replay is one attempt and no more.
    const again = await g.call('POST', `/v1/webhooks/${endpoint.body.id}/replay`, { failed_only: true });
    expect(again).toMatchObject({ status: 202, body: { queued: 1 } });
    await waitFor('the replay attempt', () => r.received.length === 4);
    await new Promise((done) => setTimeout(done, 300));
    expect(r.received).toHaveLength(4);
    r.answer = 200;
    expect((await g.call('POST', `/v1/webhooks/${endpoint.body.id}/replay`, {})).body.queued).toBe(1);
    await waitFor('the successful replay', () => r.received.length === 5 && r.received[4]!.answered === 200);
    // The attempt is recorded once the worker has read the answer, a moment after the receiver gave it.
    const triggers = async () => (await g.call('GET', `/v1/webhooks/${endpoint.body.id}/attempts`)).body.data.map((a: { trigger: string }) => a.trigger) as string[];
    let recorded: string[] = [];
    await waitFor('the successful replay\u2019s attempt', async () => (recorded = await triggers()).length === 5);
    expect(recorded).toEqual(['manual', 'manual', 'scheduled', 'scheduled', 'scheduled']);
    // A range replay sends delivered events again as well.
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await g.call('POST', `/v1/webhooks/${endpoint.body.id}/replay`, { since, failed_only: false })).body.queued).toBe(1);
    await waitFor('the range replay', () => r.received.length === 6);
  });

  it('test-sends a signed webhook.test event and answers with the attempt', async () => {
    const g = await gateway();
    const r = await receiver();
    r.answer = 204;
    const endpoint = await g.call('POST', '/v1/webhooks', { url: r.url });
    const test = await g.call('POST', `/v1/webhooks/${endpoint.body.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ trigger: 'test', outcome: 'delivered', status_code: 204, delivery_id: null });
    const body = new Webhook(endpoint.body.secret).verify(r.received[0]!.body, headersOf(r.received[0]!)) as { type: string };
    expect(body.type).toBe('webhook.test');
  });

  it('refuses the benchmarking and documentation ranges and loopback names spelled with a trailing dot or capitals', async () => {
    const g = await gateway({ settings: { webhookAllowPrivate: false } });
    for (const url of ['http://198.18.0.1/hook', 'http://198.19.3.4/hook', 'http://192.0.2.1/hook', 'http://198.51.100.2/hook', 'http://203.0.113.3/hook',
      'http://localhost./hook', 'http://LOCALHOST./hook', 'http://api.localhost/hook'])
      expect(await g.call('POST', '/v1/webhooks', { url }), url).toMatchObject({ status: 400, body: { code: 'webhook_endpoint_invalid', field: 'url' } });
    expect((await g.call('GET', '/v1/webhooks')).body.data).toHaveLength(0);
  });

  it('manages endpoints: filters, validation, private addresses, other accounts\u2019 ids, delete', async () => {
    const g = await gateway({ settings: { webhookAllowPrivate: false } });
    const refused = await g.call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' });
    expect(refused).toMatchObject({ status: 400, body: { code: 'webhook_endpoint_invalid', field: 'url' } });
    expect((await g.call('POST', '/v1/webhooks', { url: 'http://10.1.2.3/x' })).status).toBe(400);
    expect((await g.call('POST', '/v1/webhooks', { url: 'ftp://example.com/x' })).status).toBe(400);
    expect((await g.call('POST', '/v1/webhooks', { url: 'https://example.com/x', event_types: ['message.nope'] })).status).toBe(400);
    const made = await g.call('POST', '/v1/webhooks', { url: 'https://example.com/hooks', event_types: ['message.sent'], rate_limit_per_second: 5, enabled: false });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ url: 'https://example.com/hooks', event_types: ['message.sent'], enabled: false, rate_limit_per_second: 5 });
    const list = await g.call('GET', '/v1/webhooks');
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].secret).toBeUndefined();
    const patched = await g.call('PATCH', `/v1/webhooks/${made.body.id}`, { enabled: true, event_types: [] });
    expect(patched.body).toMatchObject({ enabled: true, event_types: [], disabled_reason: null });
    const stranger = await g.createTenant('stranger');
    expect((await g.call('GET', `/v1/webhooks/${made.body.id}`, undefined, stranger.key)).body.code).toBe('webhook_endpoint_not_found');
    expect((await g.call('DELETE', `/v1/webhooks/${made.body.id}`)).status).toBe(204);
    expect((await g.call('GET', `/v1/webhooks/${made.body.id}`)).status).toBe(404);
  });
});
