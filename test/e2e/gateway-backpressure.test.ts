/**
 * Back-pressure over real sockets, on a gateway that accepts but does not dispatch, with a small bound on the messages
 * due: sends past it get 503 gateway_overloaded with Retry-After on every send surface (native, batch, SMS, the
 * Cloud-compatible path in Graph's shape), reads, cancels and read marks still answer, and once the backlog drains
 * (here: the queued messages are canceled) sends are accepted again. The same with a bound on pending webhook
 * deliveries, drained by removing the endpoint they wait for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from '../../src/catalog/problem.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { startTestGateway, type HttpAnswer, type TestGateway, type TestTenant } from '../helpers/gateway.js';
import { until } from '../helpers/until.js';

const TO = '4915112345678';
const TEXT = { to: TO, type: 'text', text: { body: 'Hello' } };

function expectRetryAfter(res: HttpAnswer): void {
  const seconds = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(30);
}

async function gatewayBoundedAt(bounds: { dueMessages?: number; pendingDeliveries?: number }, metrics?: GatewayMetrics): Promise<{ gw: TestGateway; tenant: TestTenant }> {
  const gw = await startTestGateway({ app: { backpressure: { dueMessages: 0, pendingDeliveries: 0, ...bounds }, ...(metrics ? { metrics } : {}) } });
  const tenant = await gw.createTenant();
  // A customer wrote an hour ago: text sends pass the service window.
  await gw.store.recordInbound(tenant.numberId, TO, Date.now() - 3600_000);
  return { gw, tenant };
}

describe('back-pressure on the native send API', () => {
  const BOUND = 3;
  const metrics = new GatewayMetrics();
  let gw: TestGateway;
  let tenant: TestTenant;
  const accepted: string[] = [];
  beforeAll(async () => ({ gw, tenant } = await gatewayBoundedAt({ dueMessages: BOUND }, metrics)));
  afterAll(() => gw.close());

  const send = (body: unknown, headers: Record<string, string> = {}) => gw.call('POST', '/v1/messages', { key: tenant.key, body, headers });

  it('accepts sends up to the bound', async () => {
    for (let i = 0; i < BOUND; i += 1) {
      const res = await send(TEXT);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      accepted.push(res.body.id as string);
    }
  });

  it('refuses the next send with 503 gateway_overloaded, retryable, with Retry-After', async () => {
    const res = await send(TEXT, { 'idempotency-key': 'after-the-overload' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    expect(res.body).toMatchObject({ code: 'gateway_overloaded', status: 503, retryable: true });
    expectRetryAfter(res);
  });

  it('refuses a batch and an SMS the same way, and counts each refusal', async () => {
    const batch = await gw.call('POST', '/v1/messages/batch', { key: tenant.key, body: { messages: [TEXT, { ...TEXT, to: '4915112345679' }] } });
    expect(batch.status).toBe(503);
    expect(batch.body.code).toBe('gateway_overloaded');
    expectRetryAfter(batch);
    const sms = await send({ channel: 'sms', to: TO, text: { body: 'Your code is 1234' } });
    expect(sms.status).toBe(503);
    expect(sms.body.code).toBe('gateway_overloaded');
    const counted = await metrics.registry.getSingleMetric('switchboard_send_overload_refusals_total')?.get();
    expect(counted?.values).toEqual([{ labels: { backlog: 'dispatch' }, value: 3 }]);
  });

  it('still answers reads while refusing sends', async () => {
    const read = await gw.call('GET', `/v1/messages/${accepted[0]}`, { key: tenant.key });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: accepted[0], status: 'accepted' });
    expect((await gw.call('GET', '/v1/messages', { key: tenant.key })).status).toBe(200);
  });

  it('takes cancels while refusing, and accepts sends again once the backlog has drained', async () => {
    for (const id of accepted) expect((await gw.call('DELETE', `/v1/messages/${id}`, { key: tenant.key })).status).toBe(200);
    // The figure is counted again within a refresh period; the key of the refused send was never kept.
    const res = await until(() => send(TEXT, { 'idempotency-key': 'after-the-overload' }), (r) => r.status !== 503, 'a send accepted after the drain');
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('back-pressure on the Cloud-API-compatible surface', () => {
  let gw: TestGateway;
  let tenant: TestTenant;
  beforeAll(async () => ({ gw, tenant } = await gatewayBoundedAt({ dueMessages: 1 })));
  afterAll(() => gw.close());

  const cloud = (body: Record<string, unknown>) =>
    gw.call('POST', `/v21.0/${tenant.phoneNumberId}/messages`, { headers: { authorization: `Bearer ${tenant.key}` }, body: { messaging_product: 'whatsapp', ...body } });

  it('answers a Graph error with code 2 and Retry-After past the bound, lets read marks through, and recovers after the drain', async () => {
    const first = await cloud(TEXT);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const wamid = first.body.messages[0].id as string;

    const refused = await cloud(TEXT);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 2, is_transient: true, error_user_title: 'Gateway overloaded', type: 'OAuthException' });
    expectRetryAfter(refused);

    // A read mark sends nothing: it reaches its handler (which finds no such customer message here).
    const mark = await cloud({ status: 'read', message_id: 'wamid.unknown' });
    expect(mark.status).not.toBe(503);
    expect(mark.body.error.error_data.details).toContain('No customer message');

    expect((await gw.call('DELETE', `/v1/messages/${wamid}`, { key: tenant.key })).status).toBe(200);
    const again = await until(() => cloud(TEXT), (r) => r.status !== 503, 'a Cloud send accepted after the drain');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  });
});

describe('back-pressure on pending customer-webhook deliveries', () => {
  let gw: TestGateway;
  let tenant: TestTenant;
  beforeAll(async () => ({ gw, tenant } = await gatewayBoundedAt({ pendingDeliveries: 2 })));
  afterAll(() => gw.close());

  const send = () => gw.call('POST', '/v1/messages', { key: tenant.key, body: TEXT });

  it('refuses sends while the deliveries wait, and accepts again once they are gone', async () => {
    const endpoint = await gw.call('POST', '/v1/webhooks', { key: tenant.key, body: { url: 'https://example.com/hook', event_types: ['message.accepted'] } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    for (let i = 0; i < 2; i += 1) expect((await send()).status).toBe(202);
    // What the webhook worker does first: one pending delivery per accepted event (no worker posts them here).
    await gw.store.webhooks.fanOutEvents(Date.now(), 100);

    const refused = await until(send, (r) => r.status !== 202, 'a send refused once the deliveries are counted');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('gateway_overloaded');
    expect(refused.body.detail).toContain('webhook');
    expectRetryAfter(refused);

    expect((await gw.call('DELETE', `/v1/webhooks/${endpoint.body.id}`, { key: tenant.key })).status).toBe(204);
    const again = await until(send, (r) => r.status !== 503, 'a send accepted after the deliveries are gone');
    expect(again.status, JSON.stringify(again.body)).toBe(202);
  });
});
