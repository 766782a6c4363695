/**
 * Templates end to end over real sockets: create (validated locally, submitted to the simulator), review status from
 * template webhooks and the sync, delete, and every send-time template rule with Meta's code (API → preflight).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateSync } from '../../src/dispatch/template-sync.js';
import { GraphManagementClient } from '../../src/dispatch/graph-management-client.js';
import { call, nextRecipient } from '../helpers/controls.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
let s: Sender;
beforeAll(async () => {
  h = await startDispatchHarness({ dispatcher: { idlePollMs: 10 } });
  s = await h.createSender({ mps: 1000 });
});
afterAll(() => h.close());

const api = (method: string, path: string, body?: unknown) => call(h, s.key, method, path, body);
const send = (name: string, components: unknown[] = [], language = 'en_US') =>
  api('POST', '/v1/messages', { to: nextRecipient(), type: 'template', template: { name, language, components } });
const textParams = (...texts: string[]) => texts.map((text) => ({ type: 'text', text }));

const ORDER_UPDATE = {
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}} update', example: { header_text: ['#42'] } },
    { type: 'BODY', text: 'Hello {{1}}, your order {{2}} ships today from our store.', example: { body_text: [['Ada', '#42']] } },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
  ],
};
const orderParams = (header: string, ...body: string[]) => [
  { type: 'header', parameters: textParams(header) },
  { type: 'body', parameters: textParams(...body) },
];

async function statusOf(name: string): Promise<string | undefined> {
  return (await api('GET', `/v1/templates?name=${name}`)).body.data[0]?.status;
}

describe('template creation: the local validator refuses what Meta would, with its code', () => {
  const body = (text: string, example?: unknown) => ({
    name: 'promo_x', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text, ...(example ? { example } : {}) }],
  });
  it.each([
    ['a name with capitals', { ...body('Hello there friend'), name: 'Promo' }, 'name', undefined],
    ['an unknown category', { ...body('Hello there friend'), category: 'SPAM' }, 'category', undefined],
    ['no body', { name: 'p', language: 'en_US', category: 'UTILITY', components: [{ type: 'FOOTER', text: 'x' }] }, 'components', undefined],
    ['a gap in the numbering', body('Hello {{1}}, see you on {{3}} at the shop.', { body_text: [['a', 'b']] }), 'components[0].text', undefined],
    ['mixed parameter kinds', body('Hello {{1}}, see you on {{day}} at the shop.'), 'components[0].text', undefined],
    ['a parameter at the start', body('{{1}} is your code for the shop today.', { body_text: [['1']] }), 'components[0].text', 2388299],
    ['a parameter at the end', body('Your code for the shop today is {{1}}.', { body_text: [['1']] }), 'components[0].text', 2388299],
    ['too many parameters for the length', body('Hi {{1}} {{2}} {{3}} now', { body_text: [['a', 'b', 'c']] }), 'components[0].text', 2388293],
    ['missing examples', body('Hello {{1}}, your order ships today.'), 'components[0].example', undefined],
    ['a header over 60 characters', { ...body('Hello there friend'), components: [{ type: 'HEADER', format: 'TEXT', text: 'x'.repeat(61) }, { type: 'BODY', text: 'Hello there' }] }, 'components[0].text', undefined],
    ['too many URL buttons', {
      ...body('Hello there friend'),
      components: [{ type: 'BODY', text: 'Hello there' }, { type: 'BUTTONS', buttons: [1, 2, 3].map((i) => ({ type: 'URL', text: `Open ${i}`, url: 'https://example.com' })) }],
    }, 'components[1].buttons', undefined],
    ['a URL parameter not at the end', {
      ...body('Hello there friend'),
      components: [{ type: 'BODY', text: 'Hello there' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Open', url: 'https://example.com/{{1}}/x' }] }],
    }, 'components[1].buttons[0].url', undefined],
  ])('refuses %s (meta 100)', async (_name, definition, field, subcode) => {
    const res = await api('POST', '/v1/templates', definition);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ namespace: 'meta', code: 100, field });
    expect(res.body.error_subcode).toBe(subcode);
    // Refused locally: nothing reached the upstream.
    expect(h.simulator.admin.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/message_templates'))).toEqual([]);
  });
});

describe('template lifecycle', () => {
  it('syncs what the upstream has, creates as PENDING upstream, refuses sends until approved, then sends', async () => {
    expect((await api('POST', '/v1/templates/sync')).body).toEqual({ synced: 1 });
    expect(await statusOf('hello_world')).toBe('APPROVED');

    const created = await api('POST', '/v1/templates', ORDER_UPDATE);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'order_update', status: 'PENDING', category: 'UTILITY', waba_id: s.wabaId, id: expect.any(String) });
    // Meta's time-to-live goes upstream with the definition when its category allows it, and is refused here otherwise.
    const withTtl = await api('POST', '/v1/templates', { ...ORDER_UPDATE, name: 'order_update_ttl', message_send_ttl_seconds: 3_600 });
    expect(withTtl.status, JSON.stringify(withTtl.body)).toBe(201);
    const tooLong = await api('POST', '/v1/templates', { ...ORDER_UPDATE, name: 'order_update_ttl_long', message_send_ttl_seconds: 43_201 });
    expect([tooLong.status, tooLong.body.code, tooLong.body.field]).toEqual([400, 100, 'message_send_ttl_seconds']);
    const again = await api('POST', '/v1/templates', ORDER_UPDATE);
    expect([again.status, again.body.code]).toEqual([409, 'conflict']);

    // Seed 000 "Template not approved".
    const pending = await send('order_update', orderParams('#1', 'Ada', '#1'));
    expect([pending.status, pending.body.code]).toEqual([422, 'template_not_approved']);

    // Meta's review result arrives as a message_template_status_update webhook.
    h.simulator.admin.setTemplateStatus({ wabaId: s.wabaId, name: 'order_update', language: 'en_US', status: 'APPROVED' });
    await h.waitFor(async () => (await statusOf('order_update')) === 'APPROVED');
    const ok = await send('order_update', orderParams('#1', 'Ada', '#1'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    await h.waitForStatus(s, [ok.body.id], ['sent', 'delivered', 'read']);
  });

  it('records a rejection with its reason, and refuses sends of it', async () => {
    const created = await api('POST', '/v1/templates', { ...ORDER_UPDATE, name: 'order_rejected' });
    expect(created.status).toBe(201);
    h.simulator.admin.setTemplateStatus({ wabaId: s.wabaId, name: 'order_rejected', language: 'en_US', status: 'REJECTED', reason: 'INVALID_FORMAT' });
    await h.waitFor(async () => (await statusOf('order_rejected')) === 'REJECTED');
    expect((await api('GET', '/v1/templates?name=order_rejected')).body.data[0].reason).toBe('INVALID_FORMAT');
    const res = await send('order_rejected', orderParams('#1', 'Ada', '#1'));
    expect([res.status, res.body.code]).toEqual([422, 'template_not_approved']);
  });

  it('picks up review changes the webhooks missed through the periodic sync', async () => {
    h.simulator.admin.createTemplate({ wabaId: s.wabaId, name: 'made_elsewhere', language: 'en_US', status: 'PAUSED', body: 'Hi {{1}} there' });
    const client = new GraphManagementClient();
    const sync = new TemplateSync({ store: h.gateway.store, client, baseUrl: h.simulator.url, apiVersion: 'v21.0', intervalMs: 50, now: Date.now });
    sync.start();
    try {
      await h.waitFor(async () => (await statusOf('made_elsewhere')) === 'PAUSED');
    } finally {
      await sync.stop();
      await client.close();
    }
    expect(await statusOf('order_update')).toBe('APPROVED');
  });

  it('deletes a template here and upstream', async () => {
    expect((await api('POST', '/v1/templates', { ...ORDER_UPDATE, name: 'short_lived' })).status).toBe(201);
    const gone = await api('DELETE', '/v1/templates/short_lived');
    expect(gone.status).toBe(204);
    expect(await statusOf('short_lived')).toBeUndefined();
    const upstream = await fetch(`${h.simulator.url}/v21.0/${s.wabaId}/message_templates?name=short_lived`, { headers: { authorization: `Bearer ${s.accessToken}` } });
    expect(((await upstream.json()) as { data: unknown[] }).data).toEqual([]);
    expect((await api('DELETE', '/v1/templates/short_lived')).status).toBe(404);
  });
});

describe('sending a template: checked without calling upstream, with Meta codes', () => {
  beforeAll(async () => {
    for (const [name, status] of [['order_paused', 'PAUSED'], ['order_disabled', 'DISABLED']] as const) {
      expect((await api('POST', '/v1/templates', { ...ORDER_UPDATE, name })).status).toBe(201);
      h.simulator.admin.setTemplateStatus({ wabaId: s.wabaId, name, language: 'en_US', status });
      await h.waitFor(async () => (await statusOf(name)) === status);
    }
    await h.waitFor(async () => (await statusOf('order_update')) === 'APPROVED');
  });

  it.each([
    ['an unknown template', 'no_such_template', orderParams('#1', 'Ada', '#1'), 'en_US', 404, 132001],
    ['a language it does not have', 'order_update', orderParams('#1', 'Ada', '#1'), 'de_DE', 404, 132001],
    ['a paused template', 'order_paused', orderParams('#1', 'Ada', '#1'), 'en_US', 400, 132015],
    ['a disabled template', 'order_disabled', orderParams('#1', 'Ada', '#1'), 'en_US', 400, 132016],
    ['too few body parameters', 'order_update', orderParams('#1', 'Ada'), 'en_US', 400, 132000],
    ['a missing header parameter', 'order_update', [{ type: 'body', parameters: textParams('Ada', '#1') }], 'en_US', 400, 132000],
    ['an image where text is expected', 'order_update', [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] }, { type: 'body', parameters: textParams('Ada', '#1') }], 'en_US', 400, 132012],
    ['a new line in a parameter (seed 001 files it under 132007)', 'order_update', orderParams('#1', 'Ada\nLovelace', '#1'), 'en_US', 400, 132018],
    ['a tab in a parameter', 'order_update', orderParams('#1', 'Ada\tLovelace', '#1'), 'en_US', 400, 132018],
    ['five spaces in a row', 'order_update', orderParams('#1', 'Ada     Lovelace', '#1'), 'en_US', 400, 132018],
    ['a body too long once filled in', 'order_update', orderParams('#1', 'A'.repeat(1000), '#1'), 'en_US', 400, 132005],
  ] as const)('refuses %s', async (_name, name, components, language, status, code) => {
    const before = h.upstreamSends(s).length;
    const res = await send(name, [...components], language);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body).toMatchObject({ namespace: 'meta', code });
    expect(h.upstreamSends(s).length).toBe(before);
  });

  it('files the whitespace rule under the seeds\' 132007 too, through the catalog', async () => {
    const entry = await api('GET', '/v1/errors/meta/132018');
    expect(entry.status).toBe(200);
    expect(JSON.stringify(entry.body)).toContain('132007');
  });
});
