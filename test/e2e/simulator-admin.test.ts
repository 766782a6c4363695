// Driving the simulator: media, template and phone-number endpoints, registration errors, outages, faults, scenarios, the request log and /_sim.
import { afterEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ManualClock } from '../../src/simulator/clock.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { readScenario } from '../../src/simulator/scenario.js';
import { startHarness, type Harness, type JsonBody } from '../../src/simulator/testing/harness.js';
import { expectAccepted, expectGraphError } from '../../src/simulator/testing/expect-graph.js';

const FIXTURES = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../fixtures/simulator');

let h: Harness | undefined;
let sim: RunningSimulator | undefined;
let clock: ManualClock;
afterEach(async () => {
  await h?.close();
  await sim?.close();
  h = undefined;
  sim = undefined;
});

async function setup(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  clock = new ManualClock();
  h = await startHarness({ clock, webhooks: false, ...options });
  return h;
}

async function upload(harness: Harness, mime: string, bytes: number, fields: Record<string, string> = { messaging_product: 'whatsapp', type: mime }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([Buffer.alloc(bytes, 1)], { type: mime }), 'file.bin');
  const res = await fetch(`${harness.sim.url}/v21.0/${harness.phoneNumberId}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as JsonBody };
}

describe('media endpoints', () => {
  it('uploads, describes, downloads and deletes media, checking MIME and size per type (131053)', async () => {
    const hh = await setup();
    const ok = await upload(hh, 'image/jpeg', 1024);
    expect(ok).toEqual({ status: 200, body: { id: expect.stringMatching(/^\d+$/) } });
    const info = await hh.graph('GET', `/${ok.body.id}`);
    expect(info.body).toEqual({ messaging_product: 'whatsapp', url: expect.stringContaining('/_sim/media/'), mime_type: 'image/jpeg', sha256: expect.any(String), file_size: "1024", id: ok.body.id });
    const file = await fetch(info.body.url, { headers: { authorization: `Bearer ${hh.token}` } });
    expect([file.status, file.headers.get('content-type'), (await file.arrayBuffer()).byteLength]).toEqual([200, 'image/jpeg', 1024]);
    expectGraphError(await upload(hh, 'image/gif', 10), 131053, /unsupported MIME type image\/gif/);
    expectGraphError(await upload(hh, 'audio/ogg', 10), 131053);
    expect((await upload(hh, 'audio/ogg; codecs=opus', 10)).status).toBe(200);
    expectGraphError(await upload(hh, 'image/webp', 600 * 1024), 131053, /limit/);
    expectGraphError(await upload(hh, 'image/png', 5 * 1024 * 1024 + 1), 131053, /limit/);
    expectGraphError(await upload(hh, 'image/png', 10, { type: 'image/png' }), 100);
    expect((await hh.graph('DELETE', `/${ok.body.id}`)).body).toEqual({ success: true });
    expectGraphError(await hh.graph('GET', `/${ok.body.id}`), 100);
    const other = hh.sim.admin.createBusiness();
    expectGraphError(await hh.graph('DELETE', `/${ok.body.id}`, undefined, other.accessToken), 100);
  });
});

describe('template endpoints', () => {
  it('create as PENDING, list with filters, and delete by name', async () => {
    const hh = await setup();
    const created = await hh.graph('POST', `/${hh.wabaId}/message_templates`, {
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' }, { type: 'BODY', text: 'Hi {{1}}' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://x.example/{{1}}' }] }],
    });
    expect(created.body).toEqual({ id: expect.any(String), status: 'PENDING', category: 'UTILITY' });
    expectGraphError(await hh.graph('POST', `/${hh.wabaId}/message_templates`, { name: 'Bad Name', language: 'en_US', category: 'UTILITY' }), 100);
    expectGraphError(await hh.graph('POST', `/${hh.wabaId}/message_templates`, { name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] }), 100, /already exists/);
    const send = () => hh.send({ to: '15550001234', type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: [
      { type: 'header', parameters: [{ type: 'text', text: 'A-1' }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Ana' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] },
    ] } });
    expectGraphError(await send(), 132001, /not approved/);
    hh.sim.admin.setTemplateStatus({ wabaId: hh.wabaId, name: 'order_update', status: 'APPROVED' });
    expectAccepted(await send());
    const list = await hh.graph('GET', `/${hh.wabaId}/message_templates?status=approved`);
    expect(list.body.data).toEqual([expect.objectContaining({ name: 'order_update', status: 'APPROVED', language: 'en_US', category: 'UTILITY' })]);
    expect((await hh.graph('DELETE', `/${hh.wabaId}/message_templates?name=order_update`)).body).toEqual({ success: true });
    expectGraphError(await hh.graph('DELETE', `/${hh.wabaId}/message_templates?name=order_update`), 100);
    const other = hh.sim.admin.createBusiness();
    expectGraphError(await hh.graph('GET', `/${hh.wabaId}/message_templates`, undefined, other.accessToken), 10);
  });
});

describe('phone numbers and registration (133005, 133006, 133008, 133009, 133010, 133015, 133016)', () => {
  it('lists numbers and walks the registration errors with Meta’s waits', async () => {
    const hh = await setup();
    const list = await hh.graph('GET', `/${hh.wabaId}/phone_numbers`);
    expect(list.body.data).toEqual([expect.objectContaining({ id: hh.phoneNumberId, display_phone_number: '15550001111', quality_rating: 'GREEN' })]);
    const { phoneNumberId } = hh.sim.admin.createPhoneNumber({ wabaId: hh.wabaId, registered: false, pin: '123456' });
    const register = (pin: string) => hh.graph('POST', `/${phoneNumberId}/register`, { messaging_product: 'whatsapp', pin });
    expect((await hh.graph('GET', `/${phoneNumberId}`)).body).toMatchObject({ id: phoneNumberId, platform_type: 'NOT_APPLICABLE' });
    expectGraphError(await hh.send({ to: '15550001234', type: 'text', text: { body: 'x' } }, phoneNumberId), 133010);
    expectGraphError(await register('12'), 131009);
    expectGraphError(await register('000000'), 133005);
    expectGraphError(await register('000000'), 133009, /wait \d+ second/);
    for (let i = 0; i < 4; i++) {
      clock.advance(11_000);
      await register('000000');
    }
    clock.advance(11_000);
    expectGraphError(await register('123456'), 133008, 'Too many two step verification PIN guesses for this phone number. Please wait 12 hour(s) 0 minute(s) before trying again.');
    clock.advance(12 * 60 * 60 * 1000);
    expect((await register('123456')).body).toEqual({ success: true });
    expect((await hh.graph('POST', `/${phoneNumberId}/deregister`, {})).body).toEqual({ success: true });
    for (let i = 0; i < 8; i++) expect((await register('123456')).status).toBe(200);
    expectGraphError(await register('123456'), 133016, /Please wait 1 hour\(s\) 0 minute\(s\)/);
    const fresh = hh.sim.admin.createPhoneNumber({ wabaId: hh.wabaId, registered: false, needsReverification: true });
    const registerFresh = () => hh.graph('POST', `/${fresh.phoneNumberId}/register`, { messaging_product: 'whatsapp', pin: '111111' });
    expectGraphError(await registerFresh(), 133006);
    hh.sim.admin.updatePhoneNumber(fresh.phoneNumberId, { needsReverification: false, deletedAt: clock.now() });
    expectGraphError(await registerFresh(), 133015, 'Please wait 5 minute(s) before attempting to register this phone number.');
    clock.advance(5 * 60 * 1000);
    expect((await registerFresh()).body).toEqual({ success: true });
  });
});

describe('outages and slow answers', () => {
  it('answer 503 and 500 in Graph’s JSON, or with an HTML page, until they end', async () => {
    const hh = await setup();
    await hh.sim.admin.sendInbound({ phoneNumberId: hh.phoneNumberId, from: '15550001234', text: 'hi' });
    const send = () => hh.send({ to: '15550001234', type: 'text', text: { body: 'x' } });
    hh.sim.admin.startOutage({ status: 503 });
    expectGraphError(await send(), 2);
    hh.sim.admin.startOutage({ status: 500 });
    expectGraphError(await send(), 131000);
    hh.sim.admin.startOutage({ status: 502, body: 'html', durationMs: 60_000 });
    const html = await send();
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.body).toContain('<title>502 Bad Gateway</title>');
    clock.advance(60_000);
    expectAccepted(await send());
    hh.sim.admin.startOutage({ status: 503, pathPrefix: '/message_templates' });
    expectAccepted(await send());
    hh.sim.admin.endOutage();
  });

  it('hold requests past the client’s timeout, or answer late', async () => {
    const hh = await setup();
    hh.sim.admin.startOutage({ body: 'timeout' });
    const aborted = await fetch(`${hh.sim.url}/v21.0/${hh.wabaId}/phone_numbers`, { headers: { authorization: `Bearer ${hh.token}` }, signal: AbortSignal.timeout(200) }).catch((e: Error) => e.name);
    expect(aborted).toBe('TimeoutError');
    hh.sim.admin.startOutage({ delayMs: 150 });
    const started = Date.now();
    expect((await hh.graph('GET', `/${hh.wabaId}/phone_numbers`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('broken answers', () => {
  const sendWithin = async (hh: Harness, timeoutMs: number, to: string) =>
    fetch(`${hh.sim.url}/v21.0/${hh.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hh.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } }, biz_opaque_callback_data: `msg_${to}` }),
      signal: AbortSignal.timeout(timeoutMs),
    }).then((res) => `${res.status}`, (error: Error) => (error.name === 'TimeoutError' ? 'timeout' : 'reset'));
  const logged = (hh: Harness) => hh.sim.admin.requests().map((r) => [(r.body as { to: string }).to, r.status]);

  it('accept the message and then answer past the client’s timeout, or reset the connection; its statuses follow', async () => {
    const hh = await setup({ webhooks: true, clock: new ManualClock(Date.now()) });
    hh.sim.admin.createTemplate({ wabaId: hh.wabaId, name: 'hello_world', body: 'Hello' });
    hh.sim.admin.addFault({ match: { to: '15550990001' }, answer: 'late', delayMs: 400 });
    hh.sim.admin.addFault({ match: { to: '15550990002' }, answer: 'reset' });
    expect(await sendWithin(hh, 150, '15550990001')).toBe('timeout');
    expect(await sendWithin(hh, 150, '15550990002')).toBe('reset');
    expect(logged(hh)).toEqual([['15550990001', 200], ['15550990002', 200]]);
    await hh.hooks.waitFor(() => hh.hooks.statuses().filter((st) => st.status === 'delivered').length === 2);
    expect(new Set(hh.hooks.statuses().map((st) => st.biz_opaque_callback_data))).toEqual(new Set(['msg_15550990001', 'msg_15550990002']));
  });

  it('reset before accepting anything, through the admin API, and keep a slow answer’s message when the client left', async () => {
    const hh = await setup({ webhooks: true, clock: new ManualClock(Date.now()) });
    hh.sim.admin.createTemplate({ wabaId: hh.wabaId, name: 'hello_world', body: 'Hello' });
    const added = await fetch(`${hh.sim.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ match: { to: '15550990003' }, answer: 'reset', accepted: false, count: 1 }) });
    expect(added.status).toBe(200);
    expect(await sendWithin(hh, 1000, '15550990003')).toBe('reset');
    hh.sim.admin.startOutage({ delayMs: 400 });
    expect(await sendWithin(hh, 150, '15550990004')).toBe('timeout');
    hh.sim.admin.endOutage();
    expect(logged(hh)).toEqual([['15550990003', 0], ['15550990004', 200]]);
    await hh.hooks.waitFor(() => hh.hooks.statuses().some((st) => st.status === 'delivered'));
    expect(hh.hooks.statuses().map((st) => st.biz_opaque_callback_data)).not.toContain('msg_15550990003');
    expect(() => hh.sim.admin.addFault({ answer: 'slow' as never })).toThrow(/fault.answer/);
    expect(() => hh.sim.admin.addFault({})).toThrow(/fault.error/);
  });
});

describe('faults', () => {
  it('fail matching sends with the catalog code, by recipient pattern, type, count and time window', async () => {
    const hh = await setup();
    hh.sim.admin.createTemplate({ wabaId: hh.wabaId, name: 'hello_world', body: 'Hello' });
    const t = (to: string) => hh.send({ to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    const { id } = hh.sim.admin.addFault({ match: { to: '\\+?1555077.*', type: 'template' }, error: 130429, count: 2 });
    expectGraphError(await t('+15550770001'), 130429);
    expectAccepted(await t('15550660001'));
    expectGraphError(await t('15550770002'), 130429);
    expectAccepted(await t('15550770003'));
    hh.sim.admin.removeFault(id);
    hh.sim.admin.addFault({ match: { template: 'hello_world', from: clock.now() + 1000, until: clock.now() + 2000 }, error: 131057 });
    expectAccepted(await t('15550770004'));
    clock.advance(1000);
    expectGraphError(await t('15550770005'), 131057);
    clock.advance(1000);
    expectAccepted(await t('15550770006'));
    expect(() => hh.sim.admin.addFault({ error: 131047, probability: 2 })).toThrow(/probability/);
    expect(() => hh.sim.admin.addFault({ error: 999_999 })).toThrow(/catalog has no entry meta:999999/);
    const unknownPath = await fetch(`${hh.sim.url}/v21.0/a/b/c`);
    expectGraphError({ status: unknownPath.status, body: await unknownPath.json() }, 100, /Unknown path components/);
  });

  it('repeat the same random faults for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const hh = await startHarness({ seed, webhooks: false, clock: new ManualClock() });
      hh.sim.admin.createTemplate({ wabaId: hh.wabaId, name: 'hello_world', body: 'Hello' });
      hh.sim.admin.addFault({ error: 131000, probability: 0.5 });
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) codes.push((await hh.send({ to: `1555080${1000 + i}`, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })).status);
      await hh.close();
      return codes;
    };
    const a = await outcomes(42);
    expect(await outcomes(42)).toEqual(a);
    expect(await outcomes(43)).not.toEqual(a);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(5);
  });

  it('give the same ids for the same seed', async () => {
    const ids = async (seed: number) => {
      const s = await startSimulator({ seed });
      const { wabaId, accessToken } = s.admin.createBusiness();
      const { phoneNumberId } = s.admin.createPhoneNumber({ wabaId });
      const { messageId } = await s.admin.sendInbound({ phoneNumberId, from: '15550001234', text: 'hi' });
      await s.close();
      return [wabaId, accessToken, phoneNumberId, messageId];
    };
    expect(await ids(5)).toEqual(await ids(5));
    expect(await ids(5)).not.toEqual(await ids(6));
  });
});

describe('scenario files and the /_sim admin API', () => {
  it('load a YAML scenario at start: businesses, numbers, templates, contacts, links and faults', async () => {
    sim = await startSimulator({ scenario: resolve(FIXTURES, 'scenario.yaml'), seed: 1 });
    const headers = { authorization: 'Bearer EAAGscenario-token', 'content-type': 'application/json' };
    const post = async (id: string, body: object) => {
      const res = await fetch(`${sim!.url}/v22.0/${id}/messages`, { method: 'POST', headers, body: JSON.stringify({ messaging_product: 'whatsapp', ...body }) });
      return { status: res.status, body: (await res.json()) as JsonBody };
    };
    const order = { type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-1' }] }] } };
    expectAccepted(await post('106540352242922', { to: '15550600001', ...order }));
    expectGraphError(await post('106540352242923', { to: '15550600001', ...order }), 131030);
    expectGraphError(await post('106540352242922', { to: '15550600001', type: 'template', template: { name: 'spring_sale', language: { code: 'en_US' } } }), 132001);
    const flaky = await Promise.all(Array.from({ length: 20 }, (_, i) => post('106540352242922', { to: `15550700${100 + i}`, ...order })));
    expect(new Set(flaky.map((r) => r.status))).toEqual(new Set([200, 500]));
  });

  it('refuse scenario keys it does not know', async () => {
    await expect(readScenario(resolve(FIXTURES, 'scenario-typo.json'))).rejects.toThrow(/unknown key "phonenumbers"/);
  });

  it('drive everything over HTTP too, and read back every request received', async () => {
    sim = await startSimulator();
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim!.url}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json()) as JsonBody };
    };
    const { body: biz } = await call('POST', '/_sim/businesses', { name: 'HTTP' });
    const { body: num } = await call('POST', '/_sim/phone-numbers', { wabaId: biz.wabaId });
    expect((await call('POST', '/_sim/templates', { wabaId: biz.wabaId, name: 'hi', body: 'Hi' })).status).toBe(200);
    expect((await call('POST', '/_sim/phone-numbers', { wabaId: 'nope' })).body).toEqual({ error: 'no business nope' });
    expect((await call('POST', '/_sim/inbound', { phoneNumberId: num.phoneNumberId, from: '15550001234', text: 'hi' })).body.messageId).toMatch(/^wamid\./);
    expect((await call('POST', '/_sim/faults', { match: { to: '15550009999' }, error: 131026 })).body).toEqual({ id: 'fault_1' });
    await call('POST', '/_sim/outage', { status: 503 });
    await call('DELETE', '/_sim/outage');
    const send = await fetch(`${sim.url}/v21.0/${num.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${biz.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '15550001234', text: { body: 'hello' } }),
    });
    expect(send.status).toBe(200);
    await fetch(`${sim.url}/v21.0/${num.phoneNumberId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { body: log } = await call('GET', '/_sim/requests');
    expect(log.data).toEqual([
      expect.objectContaining({ method: 'POST', path: `/v21.0/${num.phoneNumberId}/messages`, status: 200, body: expect.objectContaining({ to: '15550001234' }) }),
      expect.objectContaining({ status: 401, error: 0 }),
    ]);
    const yaml = await fetch(`${sim.url}/_sim/scenario`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: 'contacts:\n  - waId: "15550001234"\n    hasWhatsApp: false\n' });
    expect(yaml.status).toBe(200);
  });
});
