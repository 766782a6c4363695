// Contract: the simulator's answers and webhooks validate against Meta's own OpenAPI schemas (../shared/meta-openapi).
import { readFileSync } from 'node:fs';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { parse } from 'yaml';
import { hasShared, sharedPath } from '../helpers/shared.js';
import { checkSchema } from '../../src/simulator/testing/schema-check.js';
import { startHarness, type Harness } from '../../src/simulator/testing/harness.js';

const SPEC = 'meta-openapi/business-messaging-api_v23.0.yaml';
const present = hasShared(SPEC);
if (!present) {
  console.warn(`simulator contract tests skipped: ${sharedPath(SPEC)} is absent (a fresh clone has no ../shared/; CI always has it)`);
}

type Schema = Record<string, unknown>;
let doc: Schema;
let h: Harness;

function responseSchema(path: string, method: string, status: number): Schema {
  const op = ((doc.paths as Schema)[path] as Schema)[method] as { responses: Record<string, { content: Record<string, { schema: Schema }> }> };
  const response = op.responses[String(status)] ?? op.responses['400'];
  if (!response) throw new Error(`spec has no ${status} response for ${method} ${path}`);
  return response.content['application/json']!.schema;
}

function expectValid(schema: Schema, value: unknown): void {
  expect(checkSchema(doc, schema, value)).toEqual([]);
}

const GRAPH_ERROR = { $ref: '#/components/schemas/GraphAPIError' };

describe.skipIf(!present)('simulator against Meta’s OpenAPI (v23.0)', () => {
  beforeAll(async () => {
    doc = parse(readFileSync(sharedPath(SPEC), 'utf8')) as Schema;
    h = await startHarness({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello {{1}}' });
  });
  afterAll(async () => h?.close());

  it('send answers (text, template with message_status) match MessageResponsePayload', async () => {
    const messages = '/{Version}/{Phone-Number-ID}/messages';
    await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: '15550001234', text: 'hi' });
    const textRes = await h.send({ to: '15550001234', type: 'text', text: { body: 'hi' } });
    const templateRes = await h.send({ to: '15550001234', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] } });
    for (const res of [textRes, templateRes]) {
      expect(res.status).toBe(200);
      expectValid(responseSchema(messages, 'post', 200), res.body);
    }
  });

  it('error bodies match GraphAPIError, for auth, throttling, window, template and parameter codes', async () => {
    h.sim.admin.addFault({ id: 'throttle', match: { to: '15550009999' }, error: 130429 });
    const errors = [
      await h.send({ to: '15550005555', type: 'text', text: { body: 'x' } }),
      await h.send({ to: '15550009999', type: 'text', text: { body: 'x' } }),
      await h.send({ to: '15550001234', type: 'template', template: { name: 'nope', language: { code: 'en_US' } } }),
      await h.send({ to: '15550001234', type: 'poll' }),
      await h.graph('POST', `/${h.phoneNumberId}/messages`, {}, 'bad-token'),
      await h.graph('POST', `/${h.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin: '12' }),
    ];
    h.sim.admin.removeFault('throttle');
    expect(errors.map((e) => e.body.error.code)).toEqual([131047, 130429, 132001, 131051, 190, 131009]);
    for (const e of errors) expectValid(GRAPH_ERROR, e.body);
  });

  it('media, template and phone-number answers match their operation schemas', async () => {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/jpeg');
    form.set('file', new Blob([Buffer.from('jpeg')], { type: 'image/jpeg' }), 'a.jpg');
    const up = await fetch(`${h.sim.url}/v23.0/${h.phoneNumberId}/media`, { method: 'POST', headers: { authorization: `Bearer ${h.token}` }, body: form });
    const uploaded = (await up.json()) as { id: string };
    expectValid(responseSchema('/{Version}/{Phone-Number-ID}/media', 'post', 200), uploaded);
    expectValid(responseSchema('/{Version}/{Media-ID}', 'get', 200), (await h.graph('GET', `/${uploaded.id}`)).body);
    expectValid(responseSchema('/{Version}/{Media-ID}', 'delete', 200), (await h.graph('DELETE', `/${uploaded.id}`)).body);
    const templates = '/{Version}/{WABA-ID}/message_templates';
    expectValid(responseSchema(templates, 'get', 200), (await h.graph('GET', `/${h.wabaId}/message_templates`)).body);
    const created = await h.graph('POST', `/${h.wabaId}/message_templates`, { name: 'receipt', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Paid' }] });
    expectValid(responseSchema(templates, 'post', 200), created.body);
    expectValid(responseSchema(templates, 'delete', 200), (await h.graph('DELETE', `/${h.wabaId}/message_templates?name=receipt`)).body);
    expectValid(responseSchema('/{Version}/{WABA-ID}/phone_numbers', 'get', 200), (await h.graph('GET', `/${h.wabaId}/phone_numbers`)).body);
    expectValid(responseSchema('/{Version}/{Phone-Number-ID}/deregister', 'post', 200), (await h.graph('POST', `/${h.phoneNumberId}/deregister`, {})).body);
    expectValid(responseSchema('/{Version}/{Phone-Number-ID}/register', 'post', 200), (await h.graph('POST', `/${h.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin: '123456' })).body);
  });

  it('status webhooks (including failed) match WebhookPayload; inbound ones match the value schema around the messages', async () => {
    h.sim.admin.setContact({ waId: '15550007777', hasWhatsApp: false });
    await h.send({ to: '15550007777', type: 'template', template: { name: 'hello_world', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }] } });
    await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: '15550001234', media: { type: 'document', filename: 'a.pdf' } });
    await h.sim.admin.flushWebhooks();
    expect(h.hooks.statuses().some((s) => s.status === 'failed')).toBe(true);
    expect(h.hooks.received.length).toBeGreaterThan(0);
    const statusBodies = h.hooks.received.filter((r) => r.body.entry.every((e) => e.changes.every((c) => c.value.statuses)));
    expect(statusBodies.length).toBeGreaterThan(0);
    for (const r of statusBodies) expectValid({ $ref: '#/components/schemas/WebhookPayload' }, r.body);
    // Meta's v23.0 document maps inbound message types to its *outbound* schemas (TextMessage requires `to` and
    // forbids `from`, `id`, `timestamp`), so no real inbound message validates; the value around them is checked.
    const inbound = h.hooks.changes('messages').filter((v) => v.messages);
    expect(inbound.length).toBeGreaterThan(0);
    for (const value of inbound) expectValid({ $ref: '#/components/schemas/IncomingMessageValueGeneral' }, { ...value, messages: [] });
  });
});
