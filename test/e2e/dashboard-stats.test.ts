/**
 * The dashboard's read endpoints over real sockets against the simulator: a message read (with a customer webhook
 * delivered), one the upstream fails, one preflight refuses. Account keys read their own account only, admin keys every
 * account or the one they name; polls with If-None-Match get 304; the message list filters by catalog code; the
 * dashboard's files are served with their policy and nothing outside them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';
import { callerOf, type TestGateway } from '../helpers/gateway.js';
import { startReceiver, waitFor, type Receiver } from './webhooks-harness.js';

const ADMIN_KEY = 'dashboard-stats-admin-key-0123456789';
const UNREACHABLE = '4917000000999';

let h: DispatchHarness;
let call: TestGateway['call'];
let receiver: Receiver;
let sender: Sender;
let other: Sender;
let readId: string;
let failedId: string;

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startDispatchHarness({ gateway: { adminKey: ADMIN_KEY, webhookAllowPrivate: true } });
  call = callerOf(h.gateway.url);
  sender = await h.createSender();
  other = await h.createSender();
  expect((await call('POST', '/v1/webhooks', { key: sender.key, body: { url: receiver.url, event_types: ['message.read'] } })).status).toBe(201);
  h.simulator.admin.setContact({ waId: UNREACHABLE, hasWhatsApp: false });
  readId = await h.sendTemplate(sender, '4917000000001');
  failedId = await h.sendTemplate(sender, UNREACHABLE);
  await h.sendTemplate(other, '4917000000002');
  // A text outside the service window: refused by preflight, stored nowhere, counted in the metrics only.
  expect((await h.send(sender, { to: '4917000000003', text: { body: 'hi' } })).status).toBe(422);
  await h.waitForStatus(sender, [readId], ['read']);
  await h.waitForStatus(sender, [failedId], ['failed']);
  await waitFor('the read webhook', () => receiver.received.length > 0);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

describe('GET /v1/me', () => {
  it('names the key\u2019s kind and account', async () => {
    expect((await call('GET', '/v1/me', { key: sender.key })).body).toMatchObject({ kind: 'account', account_id: sender.accountId });
    expect((await call('GET', '/v1/me', { key: ADMIN_KEY })).body).toMatchObject({ kind: 'admin', account_id: null });
    expect((await call('GET', '/v1/me', {})).body.code).toBe('missing_api_key');
  });
});

describe('GET /v1/stats/messages', () => {
  it('counts the account\u2019s own messages per bucket and as a funnel', async () => {
    const answer = await call('GET', '/v1/stats/messages?period_seconds=600&bucket_seconds=60', { key: sender.key });
    expect(answer.status).toBe(200);
    expect(answer.body.series).toHaveLength(10);
    expect(answer.body.funnel).toEqual({ accepted: 2, queued: 1, sent: 1, delivered: 1, read: 1, failed: 1, scheduled: 0, canceled: 0 });
  });

  it('covers every account for an admin key, or the one it names; an account key may not name another', async () => {
    expect((await call('GET', '/v1/stats/messages', { key: ADMIN_KEY })).body.funnel.accepted).toBeGreaterThanOrEqual(3);
    expect((await call('GET', `/v1/stats/messages?account_id=${other.accountId}`, { key: ADMIN_KEY })).body.funnel).toMatchObject({ accepted: 1, failed: 0 });
    const refused = await call('GET', `/v1/stats/messages?account_id=${other.accountId}`, { key: sender.key });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
  });

  it('answers 304 to a poll that already holds the figures', async () => {
    const first = await call('GET', '/v1/stats/messages', { key: sender.key });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    const again = await call('GET', '/v1/stats/messages', { key: sender.key, headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect((await call('GET', '/v1/stats/messages', { key: sender.key, headers: { 'if-none-match': 'W/"other"' } })).status).toBe(200);
  });

  it('refuses an empty period or one cut into too many buckets', async () => {
    const backwards = await call('GET', '/v1/stats/messages?since=2026-06-02T00:00:00Z&until=2026-06-01T00:00:00Z', { key: sender.key });
    expect([backwards.status, backwards.body.code]).toEqual([400, 'invalid_request']);
    const fine = await call('GET', '/v1/stats/messages?period_seconds=2678400&bucket_seconds=10', { key: sender.key });
    expect([fine.status, fine.body.code]).toEqual([400, 'invalid_request']);
  });
});

describe('GET /v1/stats/errors', () => {
  it('groups failures by catalog code with the entry\u2019s link, and shows preflight\u2019s counts to admin keys only', async () => {
    const mine = (await call('GET', '/v1/stats/errors', { key: sender.key })).body;
    expect(mine.codes).toEqual([expect.objectContaining({ key: 'meta/131026', namespace: 'meta', code: 131026, type: '/v1/errors/meta/131026', count: 1, retryable: false })]);
    expect(mine.preflight).toBeNull();
    const admin = (await call('GET', '/v1/stats/errors', { key: ADMIN_KEY })).body;
    expect(admin.preflight.refused).toBe(1);
    expect(admin.preflight.failed_after_accept).toBe(1);
    expect(admin.preflight.share).toBe(0.5);
    expect(admin.preflight.by_code).toEqual([expect.objectContaining({ code: 'outside_service_window', count: 1 })]);
  });
});

describe('limits', () => {
  it('counts an account’s stats reads in the same quota as its other requests', async () => {
    const limited = await h.createSender();
    expect((await call('PATCH', `/v1/admin/accounts/${limited.accountId}/controls`, { key: ADMIN_KEY, body: { requests_per_minute: 2 } })).status).toBe(200);
    expect((await call('GET', '/v1/numbers', { key: limited.key })).status).toBe(200);
    expect((await call('GET', '/v1/stats/queues', { key: limited.key })).status).toBe(200);
    const third = await call('GET', '/v1/stats/messages', { key: limited.key });
    expect([third.status, third.body.code]).toEqual([429, 'rate_limited']);
    expect((await call('GET', '/v1/numbers', { key: limited.key })).status).toBe(429);
  });
});

describe('GET /v1/stats/queues', () => {
  it('lists the account\u2019s numbers with queue, throughput and limit, the circuits, and its endpoints\u2019 backlog and success', async () => {
    const queues = (await call('GET', '/v1/stats/queues', { key: sender.key })).body;
    expect(queues.numbers).toEqual([expect.objectContaining({
      number_id: sender.numberId, state: 'sending', queue_depth: 0, oldest_due_at: null, max_mps: 80, reason: null,
    })]);
    // A send whose failure webhook overtakes the dispatcher's answer never records `sent`: count the events there are.
    const sentEvents = await Promise.all([readId, failedId].map(async (id) =>
      (await call('GET', `/v1/messages/${id}/history`, { key: sender.key })).body.events.filter((e: { type: string }) => e.type === 'message.sent').length));
    expect(sentEvents[0]).toBe(1);
    expect(queues.numbers[0].sent_last_minute).toBe(sentEvents[0]! + sentEvents[1]!);
    expect(queues.circuits).toEqual([expect.objectContaining({ open: false })]);
    expect(queues.webhooks).toEqual([expect.objectContaining({ url: receiver.url, backlog: 0, attempts_last_day: 1, success_rate: 1 })]);
    const all = (await call('GET', '/v1/stats/queues', { key: ADMIN_KEY })).body;
    expect(all.numbers.map((n: { number_id: string }) => n.number_id)).toEqual(expect.arrayContaining([sender.numberId, other.numberId]));
  });
});

describe('GET /v1/messages/:id/history', () => {
  it('gives the statuses, the events and the webhook posts of a message', async () => {
    const history = (await call('GET', `/v1/messages/${readId}/history`, { key: sender.key })).body;
    expect(Object.keys(history.message.timestamps)).toEqual(expect.arrayContaining(['accepted', 'sent', 'delivered', 'read']));
    // Oldest first; statuses one Meta webhook carries share their millisecond, so only the set is fixed among them.
    const types = history.events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('message.accepted');
    expect([...types].sort()).toEqual(['message.accepted', 'message.delivered', 'message.read', 'message.sent']);
    const times = history.events.map((e: { at: string }) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(history.webhook_attempts).toEqual([expect.objectContaining({ outcome: 'delivered', status_code: 200, trigger: 'scheduled' })]);
    expect(history.pending).toBeNull();
    const failed = (await call('GET', `/v1/messages/${failedId}/history`, { key: ADMIN_KEY })).body;
    expect(failed.events.at(-1)).toMatchObject({ type: 'message.failed', data: { error: { namespace: 'meta', code: 131026 } } });
    expect((await call('GET', `/v1/messages/${readId}/history`, { key: other.key })).body.code).toBe('message_not_found');
  });
});

describe('GET /v1/messages?code=', () => {
  it('lists only the messages that failed with that catalog entry', async () => {
    const listed = (await call('GET', '/v1/messages?code=meta/131026', { key: sender.key })).body;
    expect(listed.data.map((m: { id: string }) => m.id)).toEqual([failedId]);
    expect((await call('GET', '/v1/messages?code=meta/131047', { key: sender.key })).body.data).toEqual([]);
    const unknown = await call('GET', '/v1/messages?code=nothing/here', { key: sender.key });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'invalid_request']);
  });
});

describe('/dashboard', () => {
  it('serves the built page with a same-origin policy, and nothing outside its folder', async () => {
    const redirect = await fetch(`${h.gateway.url}/dashboard`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/dashboard/']);
    const page = await fetch(`${h.gateway.url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    expect((await fetch(`${h.gateway.url}${script}`)).headers.get('cache-control')).toContain('immutable');
    const escape = await call('GET', '/dashboard/..%2f..%2fpackage.json');
    expect([escape.status, escape.body.code]).toEqual([404, 'not_found']);
  });

  it('documents the read endpoints in the OpenAPI document', async () => {
    const paths = Object.keys((await call('GET', '/openapi.json')).body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/stats/messages', '/v1/stats/errors', '/v1/stats/queues', '/v1/messages/{id}/history', '/v1/me']));
    expect(paths.some((p) => p.startsWith('/dashboard'))).toBe(false);
  });
});

describe('GET /v1/messages for either key kind', () => {
  it('lists an account key\u2019s own messages, and for an admin key every account\u2019s or the one it names', async () => {
    const ids = async (key: string, query = '') => ((await call('GET', `/v1/messages${query}`, { key })).body.data as { id: string }[]).map((m) => m.id);
    const own = await ids(sender.key);
    expect(own).toEqual(expect.arrayContaining([readId, failedId]));
    const everyAccount = await ids(ADMIN_KEY);
    expect(everyAccount).toEqual(expect.arrayContaining([readId, failedId]));
    const othersOnly = await ids(ADMIN_KEY, `?account_id=${other.accountId}`);
    expect(othersOnly).toHaveLength(1);
    expect(everyAccount).toContain(othersOnly[0]);
    expect(own).not.toContain(othersOnly[0]);
    expect((await call('GET', `/v1/messages?account_id=${other.accountId}`, { key: sender.key })).body.code).toBe('forbidden');
    expect(await ids(ADMIN_KEY, '?to=4917000000002')).toEqual(othersOnly);
  });
});
