/**
 * Every customer event, raised through the store's real paths and delivered over a socket, matches the schema
 * /openapi.json documents for its type (OpenAPI 3.1 `webhooks`): one snake_case shape per type.
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { requireEntry } from '../../src/catalog/catalog.js';
import { gatewayError, SwitchboardError } from '../../src/catalog/switchboard-error.js';
import { raiseHealthEvents } from './raise-health-events.js';
import { runDueFailovers } from '../../src/app/failover.js';
import { startReceiver, startWebhookGateway, waitFor, type Receiver, type WebhookGateway } from './webhooks-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Raises each event type once (message.failed twice: with a catalog error and with none; a template review twice). */
async function raiseEveryEvent(g: WebhookGateway): Promise<void> {
  const store = g.store;
  for (let i = 0; i < 3; i += 1) expect((await g.send()).status).toBe(202);
  const jobs = await store.dispatchQueue.claim({ owner: 'events-test', now: Date.now(), leaseMs: 60_000, limit: 10 });
  const [sent, refused, failedAtMeta] = await store.dispatch.loadTasks(jobs, Date.now());
  await store.dispatch.settleSent([{ task: sent!, wamid: 'wamid.events-1', at: Date.now() }, { task: failedAtMeta!, wamid: 'wamid.events-3', at: Date.now() }]);
  await store.dispatch.settleFailed(refused!, gatewayError('internal_error', { detail: 'refused for the test' }), Date.now());
  const status = (wamid: string, s: 'delivered' | 'read' | 'failed') => ({
    status: { kind: 'status' as const, phoneNumberId: '1', wamid, status: s, at: Date.now(), recipientId: sent!.to, errors: [] }, error: undefined,
  });
  await store.inbound.applyStatuses([status('wamid.events-1', 'delivered'), status('wamid.events-1', 'read'), status('wamid.events-3', 'failed')], Date.now());
  // Taken back before any call, with a reference and metadata to echo.
  const taken = await g.call('POST', '/v1/messages', { to: '4915100999999', type: 'template', template: { name: 'hello_world', language: 'en_US' }, client_ref: 'r-1', metadata: { k: 1 } });
  expect((await g.call('DELETE', `/v1/messages/${String(taken.body.id)}`)).status).toBe(200);

  // A failover whose wait ran out: its SMS is queued (on a connector that never binds) and message.failover told.
  const connector = await store.sms.createConnector({ name: 'events', host: '127.0.0.1', port: 9, systemId: 'x', password: 'x', throughputPerSecond: 1, window: 1, enabled: false }, Date.now());
  await store.sms.createRoute({ prefix: '', connectorId: connector.id, accountIds: null }, Date.now());
  await store.sms.addSenderId(g.accountId, 'Events', Date.now());
  const withFailover = await g.call('POST', '/v1/messages', { to: '4915100888888', type: 'template', template: { name: 'hello_world', language: 'en_US' }, failover: { channel: 'sms', text: 'x', after_seconds: 1 } });
  expect(withFailover.status).toBe(202);
  await runDueFailovers({ store, now: () => Date.now() + 5_000, maxSegments: 6, pollMs: 1000, onChanged: () => undefined });

  const number = (await store.listNumbers({ accountId: g.accountId }))[0]!;
  const owner = { numberId: number.id, accountId: g.accountId };
  const raw = { from: '4915100000001', id: 'wamid.in-1', timestamp: '1780000000', type: 'text', text: { body: 'hello' } };
  await store.inbound.saveCustomerMessage(owner, { kind: 'message', phoneNumberId: number.phoneNumberId, wamid: raw.id, from: raw.from, at: Date.now(), type: 'text', text: 'hello', raw }, Date.now());
  // Meta refuses the token on the call of a message it had already accepted: its job is gone, the pause still holds.
  await store.dispatch.holdNumber(sent!, null, new SwitchboardError(requireEntry('meta', 190), { detail: 'token expired' }), Date.now());
  await store.updateNumber(number.id, { accessToken: 'EAAGreplaced' }, Date.now());

  await store.templates.saveTemplate({
    wabaId: number.wabaId, name: 'order_update', language: 'en_US', status: 'pending', category: 'UTILITY', components: [], updatedAt: Date.now(), upstreamId: null, reason: null,
  });
  // Meta re-sends its review webhook: the same review twice raises one event.
  for (let i = 0; i < 2; i += 1) await store.templates.setTemplateStatus(number.wabaId, 'order_update', 'en_US', 'rejected', 'INVALID_FORMAT', Date.now());
  await raiseHealthEvents(store, number);

  const doomed = await g.call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/never', event_types: ['message.read'] });
  await store.webhooks.disableEndpoint(doomed.body.id, 'disabled for the test', Date.now());
}

type Webhooks = Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;

/** Validates a body against its type's documented schema with Fastify's own validator (strict: no coercion, no removal). */
async function schemaChecker(webhooks: Webhooks): Promise<(body: { type: string }) => Promise<string | undefined>> {
  const checker = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, allowUnionTypes: true } } });
  for (const [type, doc] of Object.entries(webhooks)) {
    checker.post(`/${type}`, { schema: { body: doc.post.requestBody.content['application/json']!.schema } }, async function matched() {
      return 'ok';
    });
  }
  await checker.ready();
  return async (body) => {
    if (!webhooks[body.type]) return `${body.type}: not documented`;
    const answer = await checker.inject({ method: 'POST', url: `/${body.type}`, payload: body });
    return answer.statusCode === 200 ? undefined : `${body.type}: ${answer.json<{ message: string }>().message}`;
  };
}

describe('customer event payloads', () => {
  it('delivers every documented event type, each matching its OpenAPI webhooks schema', async () => {
    const g = await startWebhookGateway();
    cleanups.push(() => g.close());
    const r: Receiver = await startReceiver();
    cleanups.push(() => r.close());
    const endpoint = await g.call('POST', '/v1/webhooks', { url: r.url });
    expect(endpoint.status).toBe(201);

    const openapi = (await g.call('GET', '/openapi.json')).body as { webhooks: Webhooks };
    const documented = Object.keys(openapi.webhooks);
    expect(documented.length).toBeGreaterThan(9);
    await raiseEveryEvent(g);
    expect((await g.call('POST', `/v1/webhooks/${endpoint.body.id}/test`, {})).status).toBe(200);

    const types = () => new Set(r.received.map((x) => (JSON.parse(x.body) as { type: string }).type));
    await waitFor('one delivery of every documented type', () => documented.every((t) => types().has(t)), 15_000);
    const check = await schemaChecker(openapi.webhooks);
    const mismatches: string[] = [];
    for (const x of r.received) {
      const mismatch = await check(JSON.parse(x.body) as { type: string });
      if (mismatch) mismatches.push(`${mismatch} in ${x.body}`);
    }
    expect(mismatches).toEqual([]);
    const ofType = (type: string) => r.received.filter((x) => (JSON.parse(x.body) as { type: string }).type === type);
    expect(ofType('message.failed')).toHaveLength(2);
    expect(ofType('template.status').map((x) => JSON.parse(x.body).data)).toEqual([{ waba_id: expect.any(String), name: 'order_update', language: 'en_US', status: 'rejected', reason: 'INVALID_FORMAT' }]);
  });
});
