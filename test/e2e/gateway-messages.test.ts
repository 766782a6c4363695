/** Journeys through POST/GET /v1/messages: every message type, every validation and preflight error, tenant isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, type TestTenant } from '../helpers/gateway.js';

const TO = '4915112345678';
const template = (name: string, components: unknown[] = []) => ({ to: TO, type: 'template', template: { name, language: { code: 'en_US' }, components } });
const bodyParams = (...texts: string[]) => [{ type: 'body', parameters: texts.map((t) => ({ type: 'text', text: t })) }];

describe('sending', () => {
  let gw: TestGateway;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    gw = await startTestGateway({ limits: { bodyLimitBytes: 64 * 1024 } });
    a = await gw.createTenant({ name: 'a' });
    b = await gw.createTenant({ name: 'b' });
    // A customer wrote to a's number an hour ago: its 24-hour window is open.
    await gw.store.recordInbound(a.numberId, TO, Date.now() - 3600_000);
    const t = (name: string, status: string, components: unknown[]) =>
      gw.store.upsertTemplate({ wabaId: a.wabaId, name, language: 'en_US', status: status as 'approved', category: 'UTILITY', components: components as [], updatedAt: Date.now() });
    await t('order_update', 'approved', [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships today.' },
    ]);
    await t('photo_promo', 'approved', [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Look!' }]);
    await t('pending_one', 'pending', [{ type: 'BODY', text: 'x' }]);
    await t('paused_one', 'paused', [{ type: 'BODY', text: 'x' }]);
    await t('disabled_one', 'disabled', [{ type: 'BODY', text: 'x' }]);
  });
  afterAll(() => gw.close());

  const send = (body: unknown, key = a.key) => gw.call('POST', '/v1/messages', { key, body });

  it.each([
    ['text', { to: TO, type: 'text', text: { body: 'Hello' } }],
    ['text without type', { to: `+${TO}`, text: { body: 'Hello' } }],
    ['image by link', { to: TO, type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'hi' } }],
    ['audio', { to: TO, type: 'audio', audio: { link: 'https://example.com/a.mp3' } }],
    ['video', { to: TO, type: 'video', video: { link: 'https://example.com/a.mp4' } }],
    ['document', { to: TO, type: 'document', document: { link: 'https://example.com/a.pdf', filename: 'a.pdf' } }],
    ['sticker', { to: TO, type: 'sticker', sticker: { link: 'https://example.com/a.webp' } }],
    ['location', { to: TO, type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Berlin' } }],
    ['contacts', { to: TO, type: 'contacts', contacts: [{ name: { formatted_name: 'Ada Lovelace' }, phones: [{ phone: '+441234' }] }] }],
    ['interactive buttons', { to: TO, type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }] } } }],
    ['interactive list', { to: TO, type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Menu', sections: [{ title: 's', rows: [{ id: '1', title: 'One' }] }] } } }],
    ['reaction', { to: TO, type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }],
    ['template with parameters', template('order_update', [{ type: 'header', parameters: [{ type: 'text', text: '#42' }] }, ...bodyParams('Ada', '#42')])],
    ['template with image header', template('photo_promo', [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/p.jpg' } }] }])],
  ])('accepts %s with 202 and reads it back', async (_name, body) => {
    const res = await send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^msg_/), status: 'accepted' });
    const read = await gw.call('GET', `/v1/messages/${res.body.id}`, { key: a.key });
    expect(read.body).toMatchObject({ id: res.body.id, status: 'accepted', to: TO, number_id: a.numberId, wamid: null, error: null });
    expect(read.body.timestamps.accepted).toMatch(/^\d{4}-/);
  });

  it.each([
    ['malformed JSON', undefined, '{"to": "1', 400, 'malformed_json', undefined],
    ['empty body', undefined, '', 400, 'malformed_json', undefined],
    ['missing to', { type: 'text', text: { body: 'x' } }, undefined, 400, 'missing_required_field', 'to'],
    ['missing text.body', { to: TO, type: 'text', text: {} }, undefined, 400, 'missing_required_field', 'text.body'],
    ['missing type object', { to: TO, type: 'image' }, undefined, 400, 'missing_required_field', 'image'],
    ['wrong type of field', { to: TO, type: 'text', text: 'hello' }, undefined, 400, 'invalid_request', 'text'],
    ['unknown message type', { to: TO, type: 'fax' }, undefined, 400, 'invalid_request', 'type'],
    ['phone with spaces', { to: '+49 151 12345678', text: { body: 'x' } }, undefined, 400, 'invalid_phone_number', 'to'],
    ['impossible phone', { to: '999', text: { body: 'x' } }, undefined, 400, 'invalid_phone_number', 'to'],
    ['impossible phone (length)', { to: '1555123', text: { body: 'x' } }, undefined, 400, 'invalid_phone_number', 'to'],
    ['text too long', { to: TO, text: { body: 'x'.repeat(4097) } }, undefined, 400, 'text_too_long', 'text.body'],
    ['audio sent as image', { to: TO, type: 'image', image: { link: 'https://example.com/song.mp3' } }, undefined, 400, 'media_mime_mismatch', 'image.link'],
    ['media link not http', { to: TO, type: 'image', image: { link: 'ftp://example.com/a.jpg' } }, undefined, 400, 'invalid_media_link', 'image.link'],
    ['media link double-encoded', { to: TO, type: 'document', document: { link: 'https://example.com/a%2520b.pdf' } }, undefined, 400, 'invalid_media_link', 'document.link'],
    ['latitude out of range', { to: TO, type: 'location', location: { latitude: 91, longitude: 0 } }, undefined, 400, 'invalid_coordinates', 'location.latitude'],
    ['longitude out of range', { to: TO, type: 'location', location: { latitude: 0, longitude: -180.5 } }, undefined, 400, 'invalid_coordinates', 'location.longitude'],
    ['unknown media id', { to: TO, type: 'image', image: { id: 'med_unknown' } }, undefined, 404, 'media_not_found', 'image.id'],
  ])('refuses %s', async (_name, body, raw, status, code, field) => {
    const res = body === undefined ? await gw.call('POST', '/v1/messages', { key: a.key, raw, headers: { 'content-type': 'application/json' } }) : await send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    if (field !== undefined) expect(res.body.field).toBe(field);
    expect(res.body).not.toHaveProperty('stack');
  });

  it('says where malformed JSON broke', async () => {
    const res = await gw.call('POST', '/v1/messages', { key: a.key, raw: '{\n  "to": "1",\n  oops\n}', headers: { 'content-type': 'application/json' } });
    expect(res.body.detail).toMatch(/line 3, column 3/);
  });

  it('refuses other content types (415) and bodies over the limit (413)', async () => {
    const typed = await gw.call('POST', '/v1/messages', { key: a.key, raw: 'to=1', headers: { 'content-type': 'text/plain' } });
    expect([typed.status, typed.body.code]).toEqual([415, 'unsupported_content_type']);
    const big = await send({ to: TO, text: { body: 'x'.repeat(70 * 1024) } });
    expect([big.status, big.body.code]).toEqual([413, 'payload_too_large']);
  });

  it('checks uploaded media against the message type', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([0x4f, 0x67, 0x67, 0x53])], { type: 'audio/ogg' }), 'voice.ogg');
    const upload = await fetch(`${gw.url}/v1/media`, { method: 'POST', headers: { 'x-api-key': a.key }, body: form });
    const media = (await upload.json()) as { id: string };
    expect(upload.status).toBe(201);
    expect((await send({ to: TO, type: 'audio', audio: { id: media.id } })).status).toBe(202);
    const wrong = await send({ to: TO, type: 'image', image: { id: media.id } });
    expect([wrong.status, wrong.body.code]).toEqual([400, 'media_mime_mismatch']);
    // Another account's upload does not exist for b.
    const foreign = await send({ to: TO, type: 'audio', audio: { id: media.id } }, b.key);
    expect(foreign.body.code).toBe('media_not_found');
  });

  describe('preflight', () => {
    it('refuses a number of another account (403) and routes without a default (422)', async () => {
      const res = await send({ to: TO, from: b.phoneNumberId, text: { body: 'x' } });
      expect([res.status, res.body.code]).toEqual([403, 'phone_number_not_authorized']);
      const unknown = await send({ to: TO, from: '999999', text: { body: 'x' } });
      expect(unknown.body.code).toBe('phone_number_not_authorized');
      const lonely = await gw.call('POST', '/v1/admin/accounts', { key: gw.adminKey, body: { name: 'no numbers' } });
      const key = await gw.call('POST', '/v1/admin/keys', { key: gw.adminKey, body: { account_id: lonely.body.id } });
      const none = await send(template('hello_world'), key.body.key);
      expect([none.status, none.body.code]).toEqual([422, 'could_not_route']);
    });

    it('sends from a named number of the account', async () => {
      expect((await send({ ...template('order_update', [{ type: 'header', parameters: [{ type: 'text', text: '1' }] }, ...bodyParams('a', 'b')]), from: a.phoneNumberId })).status).toBe(202);
      expect((await send({ ...template('order_update', [{ type: 'header', parameters: [{ type: 'text', text: '1' }] }, ...bodyParams('a', 'b')]), from: a.numberId })).status).toBe(202);
    });

    it('refuses an unregistered number (phone_number_not_registered)', async () => {
      const t = await gw.createTenant({ number: { registration: 'pending' } });
      const res = await send(template('hello_world'), t.key);
      expect([res.status, res.body.code]).toEqual([422, 'phone_number_not_registered']);
    });

    it('refuses opted-out recipients, templates included (recipient_opted_out)', async () => {
      const who = '4915199999999';
      expect((await gw.call('PUT', `/v1/opt-outs/${who}`, { key: a.key })).status).toBe(200);
      const res = await send({ ...template('hello_world'), to: who });
      expect([res.status, res.body.code]).toEqual([422, 'recipient_opted_out']);
      expect((await gw.call('DELETE', `/v1/opt-outs/${who}`, { key: a.key })).status).toBe(204);
    });

    it('refuses free-form messages outside the 24-hour window (outside_service_window)', async () => {
      const never = await send({ to: '4915100000001', text: { body: 'hi' } });
      expect([never.status, never.body.code]).toEqual([422, 'outside_service_window']);
      await gw.store.recordInbound(a.numberId, '4915100000002', Date.now() - 25 * 3600_000);
      const closed = await send({ to: '4915100000002', text: { body: 'hi' } });
      expect(closed.body.code).toBe('outside_service_window');
      expect(closed.body.action).toMatch(/template/i);
    });

    it.each([
      ['unknown template', template('nope'), 404, 132001],
      ['template in another language', { ...template('order_update'), template: { name: 'order_update', language: 'de' } }, 404, 132001],
      ['pending template', template('pending_one'), 422, 'template_not_approved'],
      ['paused template', template('paused_one'), 400, 132015],
      ['disabled template', template('disabled_one'), 400, 132016],
      ['too few parameters', template('order_update', [{ type: 'header', parameters: [{ type: 'text', text: '1' }] }, ...bodyParams('Ada')]), 400, 132000],
      ['text where the header is an image', template('photo_promo', [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }]), 400, 132012],
      ['parameters too long once filled in', template('order_update', [{ type: 'header', parameters: [{ type: 'text', text: '1' }] }, ...bodyParams('A'.repeat(1000), 'B'.repeat(100))]), 400, 132005],
      ['a new line in a parameter', template('order_update', [{ type: 'header', parameters: [{ type: 'text', text: '1' }] }, ...bodyParams('Ada\nLovelace', '1')]), 400, 132018],
    ])('refuses %s', async (_name, body, status, code) => {
      const res = await send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.code).toBe(code);
      expect(res.body.namespace).toBe(typeof code === 'number' ? 'meta' : 'gateway');
    });

    it('refuses sends beyond the prepaid credit (insufficient_credit) and spends one per message', async () => {
      const t = await gw.createTenant({ account: { credit: 1 } });
      expect((await send(template('hello_world'), t.key)).status).toBe(202);
      const res = await send(template('hello_world'), t.key);
      expect([res.status, res.body.code]).toEqual([402, 'insufficient_credit']);
      const account = await gw.call('GET', `/v1/admin/accounts/${t.accountId}`, { key: gw.adminKey });
      expect(account.body.credit).toBe(0);
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 message_not_found for another account\u2019s message and lists only one\u2019s own', async () => {
      const mine = await send(template('hello_world'));
      const res = await gw.call('GET', `/v1/messages/${mine.body.id}`, { key: b.key });
      expect([res.status, res.body.code]).toEqual([404, 'message_not_found']);
      const list = await gw.call('GET', '/v1/messages?limit=500', { key: b.key });
      expect(list.body.data.map((m: { id: string }) => m.id)).not.toContain(mine.body.id);
      const numbers = await gw.call('GET', '/v1/numbers', { key: b.key });
      expect(numbers.body.data.map((n: { id: string }) => n.id)).toEqual([b.numberId]);
      expect((await gw.call('GET', `/v1/numbers/${a.numberId}`, { key: b.key })).status).toBe(404);
    });
  });

  it('lists with filters and cursor pagination', async () => {
    const t = await gw.createTenant();
    const ids: string[] = [];
    for (const to of ['4915100000011', '4915100000012', '4915100000011']) ids.push((await send({ ...template('hello_world'), to }, t.key)).body.id);
    const page1 = await gw.call('GET', '/v1/messages?limit=2', { key: t.key });
    expect(page1.body.data.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
    const page2 = await gw.call('GET', `/v1/messages?limit=2&cursor=${page1.body.next_cursor}`, { key: t.key });
    expect(page2.body.data.map((m: { id: string }) => m.id)).toEqual([ids[0]]);
    expect(page2.body.next_cursor).toBeNull();
    const byRecipient = await gw.call('GET', '/v1/messages?to=4915100000011&status=accepted', { key: t.key });
    expect(byRecipient.body.data).toHaveLength(2);
    const byNumber = await gw.call('GET', `/v1/messages?number_id=${t.numberId}&since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z`, { key: t.key });
    expect(byNumber.body.data).toHaveLength(3);
    const none = await gw.call('GET', '/v1/messages?status=delivered', { key: t.key });
    expect(none.body.data).toHaveLength(0);
    const bad = await gw.call('GET', '/v1/messages?status=bogus', { key: t.key });
    expect([bad.status, bad.body.code, bad.body.field]).toEqual([400, 'invalid_request', 'status']);
  });

  it('stores the message and its outbox job together', async () => {
    const t = await gw.createTenant();
    const res = await send(template('hello_world'), t.key);
    const jobs = await gw.store.dispatchQueue.claim({ owner: 'test-worker', now: Date.now() + 1000, leaseMs: 30_000, limit: 10_000 });
    await gw.store.dispatch.loadTasks(jobs, Date.now());
    expect(jobs.map((j) => j.messageId)).toContain(res.body.id);
    expect((await gw.call('GET', `/v1/messages/${res.body.id}`, { key: t.key })).body.status).toBe('queued');
  });
});
