/**
 * The Cloud-API-compatible surface through a third-party client: whatsapp-api-js (npm), unchanged, with its fetch
 * pointed at Switchboard instead of graph.facebook.com. Text, template and media sends work; errors arrive as Graph errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhatsAppAPI } from 'whatsapp-api-js';
import { BodyComponent, BodyParameter, Document, Image, Language, Template, Text } from 'whatsapp-api-js/messages';
import { findEntry } from '../../src/catalog/catalog.js';
import { CLOUD_SEND_ERRORS, CLOUD_UPLOAD_ERRORS } from '../../src/http/routes/cloud.js';
import { startTestGateway, type TestGateway, type TestTenant } from '../helpers/gateway.js';

const TO = '4915112345678';

describe('Cloud-API-compatible surface via whatsapp-api-js', () => {
  let gw: TestGateway;
  let t: TestTenant;
  let api: WhatsAppAPI;
  const clientFor = (token: string) =>
    new WhatsAppAPI({
      token,
      v: 'v21.0',
      secure: false,
      // The library hard-codes Meta's host; its documented fetch ponyfill is the seam to point it elsewhere.
      ponyfill: { fetch: (input, init) => fetch(String(input).replace('https://graph.facebook.com', gw.url), init) },
    });

  beforeAll(async () => {
    gw = await startTestGateway();
    t = await gw.createTenant();
    await gw.store.recordInbound(t.numberId, TO, Date.now() - 60_000);
    await gw.store.upsertTemplate({
      wabaId: t.wabaId, name: 'order_update', language: 'en_US', status: 'approved', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} ships today.' }], updatedAt: Date.now(),
    });
    api = clientFor(t.key);
  });
  afterAll(() => gw.close());

  const stored = async (wamid: string) => (await gw.call('GET', `/v1/messages/${wamid}`, { key: t.key })).body;

  it('sends a text message and gets a wamid-style id that reads back', async () => {
    const res = (await api.sendMessage(t.phoneNumberId, TO, new Text('Hello from the SDK'))) as {
      messaging_product: string; contacts: { wa_id: string }[]; messages: { id: string }[];
    };
    expect(res.messaging_product).toBe('whatsapp');
    expect(res.contacts[0]!.wa_id).toBe(TO);
    expect(res.messages[0]!.id).toMatch(/^wamid\./);
    expect(await stored(res.messages[0]!.id)).toMatchObject({ status: 'accepted', type: 'text', content: { text: { body: 'Hello from the SDK' } } });
  });

  it('sends a template with parameters', async () => {
    const template = new Template('order_update', new Language('en_US'), new BodyComponent(new BodyParameter('Ada'), new BodyParameter('#42')));
    const res = (await api.sendMessage(t.phoneNumberId, TO, template)) as { messages: { id: string; message_status?: string }[] };
    expect(res.messages[0]!.message_status).toBe('accepted');
    expect((await stored(res.messages[0]!.id)).type).toBe('template');
  });

  it('uploads media and sends it by id, and sends media by link', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], { type: 'image/jpeg' }), 'photo.jpg');
    const upload = (await api.uploadMedia(t.phoneNumberId, form)) as { id: string };
    expect(upload.id).toMatch(/^med_/);
    const byId = (await api.sendMessage(t.phoneNumberId, TO, new Image(upload.id, true, 'a photo'))) as { messages: { id: string }[] };
    expect((await stored(byId.messages[0]!.id)).type).toBe('image');
    const byLink = (await api.sendMessage(t.phoneNumberId, TO, new Document('https://example.com/invoice.pdf', false, 'invoice', 'invoice.pdf'))) as {
      messages: { id: string }[];
    };
    expect((await stored(byLink.messages[0]!.id)).type).toBe('document');
  });

  it('sees Switchboard refusals as Graph errors', async () => {
    type GraphError = { error: { code: number; message: string; type: string; fbtrace_id: string; error_data: { details: string } } };
    const window = (await api.sendMessage(t.phoneNumberId, '4915100000009', new Text('hi'))) as unknown as GraphError;
    expect(window.error).toMatchObject({ code: 131047, type: 'OAuthException' });
    expect(window.error.message).toMatch(/^\(#131047\)/);
    const unknownTemplate = (await api.sendMessage(t.phoneNumberId, TO, new Template('nope', new Language('en_US')))) as unknown as GraphError;
    expect(unknownTemplate.error.code).toBe(132001);
    const badNumber = (await api.sendMessage(t.phoneNumberId, '12', new Text('hi'))) as unknown as GraphError;
    expect(badNumber.error.code).toBe(100);
    const other = await gw.createTenant();
    const foreign = (await api.sendMessage(other.phoneNumberId, TO, new Text('hi'))) as unknown as GraphError;
    expect(foreign.error.error_data.details).toMatch(/not assigned/);
    const badKey = (await clientFor('sb_acct_wrong').sendMessage(t.phoneNumberId, TO, new Text('hi'))) as unknown as GraphError;
    expect(badKey.error.code).toBe(190);
    expect(badKey.error.fbtrace_id).toMatch(/^req_/);
  });

  it('answers with the HTTP status of the catalog entry', async () => {
    const res = await gw.call('POST', `/v21.0/${t.phoneNumberId}/messages`, {
      headers: { authorization: `Bearer ${t.key}` },
      body: { messaging_product: 'whatsapp', to: TO, type: 'location', location: { latitude: 100, longitude: 0 } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body.error.error_data.details).toMatch(/Latitude/);
    const missing = await gw.call('POST', `/v21.0/${t.phoneNumberId}/messages`, { body: { to: TO, text: { body: 'x' } } });
    expect([missing.status, missing.body.error.code]).toEqual([401, 0]);
  });

  it("answers each refusal with Meta's HTTP status for its Graph code (131047 is a 400, not our 422)", async () => {
    const send = (body: Record<string, unknown>) => gw.call('POST', `/v21.0/${t.phoneNumberId}/messages`, { key: t.key, body: { messaging_product: 'whatsapp', ...body } });
    const closedWindow = await send({ to: '4915100000009', text: { body: 'hi' } });
    expect([closedWindow.status, closedWindow.body.error.code]).toEqual([400, 131047]);
    const unknownTemplate = await send({ to: TO, type: 'template', template: { name: 'nope', language: { code: 'en_US' } } });
    expect([unknownTemplate.status, unknownTemplate.body.error.code]).toEqual([findEntry('meta', 132001)!.httpStatus, 132001]);
    const optedOut = await gw.call('PUT', `/v1/opt-outs/${TO}`, { key: t.key });
    expect(optedOut.status).toBe(200);
    const refused = await send({ to: TO, text: { body: 'hi' } });
    await gw.call('DELETE', `/v1/opt-outs/${TO}`, { key: t.key });
    expect([refused.status, refused.body.error.code]).toEqual([400, 100]);
  });

  it('documents every code the compatible surface can answer under Meta\'s HTTP status for its Graph code', async () => {
    const document = (await gw.call('GET', '/openapi.json')).body;
    const routes = [
      { path: '/{version}/{phoneNumberId}/messages', codes: CLOUD_SEND_ERRORS },
      { path: '/{version}/{phoneNumberId}/media', codes: CLOUD_UPLOAD_ERRORS },
    ];
    for (const { path, codes } of routes) {
      const responses = document.paths[path].post.responses as Record<string, { description: string }>;
      for (const ref of codes) {
        const entry = typeof ref === 'string' ? findEntry('gateway', ref)! : findEntry(ref[0], ref[1])!;
        const metaStatus = findEntry('meta', entry.graphCode)?.httpStatus ?? entry.httpStatus;
        expect(responses[String(metaStatus)]?.description, `${path} ${entry.namespace}/${entry.code} (Graph ${entry.graphCode})`).toContain(`\`${entry.namespace}/${entry.code}\``);
      }
    }
  });

  it('requires messaging_product, as Meta does', async () => {
    const answer = await gw.call('POST', `/v21.0/${t.phoneNumberId}/messages`, { key: t.key, body: { to: TO, text: { body: 'x' } } });
    expect([answer.status, answer.body.error.code]).toEqual([400, 100]);
    expect(answer.body.error.error_data.details).toMatch(/messaging_product/);
    const wrong = await gw.call('POST', `/v21.0/${t.phoneNumberId}/messages`, { key: t.key, body: { messaging_product: 'sms', to: TO, text: { body: 'x' } } });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 100]);
  });
});
