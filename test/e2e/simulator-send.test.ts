// Every synchronous send rule over real sockets: Meta's code, Meta's HTTP status (400 for throttling, not 429) and Graph's body.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/simulator/clock.js';
import { startHarness, type Harness } from '../../src/simulator/testing/harness.js';
import { expectAccepted, expectGraphError } from '../../src/simulator/testing/expect-graph.js';

let h: Harness;
let clock: ManualClock;
afterEach(async () => h?.close());

async function setup(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  clock = new ManualClock();
  h = await startHarness({ clock, webhooks: false, ...options });
  return h;
}

const CUSTOMER = '+1 (555) 010-2000';
const text = (to = CUSTOMER, body = 'hello') => ({ to, type: 'text', text: { body } });
const template = (name: string, params: unknown[] = [], extra: unknown[] = []) => ({
  to: CUSTOMER,
  type: 'template',
  template: { name, language: { code: 'en_US' }, components: [{ type: 'body', parameters: params }, ...extra] },
});
const p = (value: string) => ({ type: 'text', text: value });

async function openWindow(from = CUSTOMER): Promise<void> {
  await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from, text: 'hi' });
}

describe('recipient is the sender (131021)', () => {
  it('refuses a message to the sending number itself, however it is written, even with the window open', async () => {
    await setup();
    await openWindow('+1 555 000 1111');
    for (const to of ['15550001111', '+1 (555) 000-1111']) expectGraphError(await h.send(text(to)), 131021);
    await openWindow();
    expectAccepted(await h.send(text()));
  });
});

describe('customer service window (131047)', () => {
  it('refuses free-form before the customer writes, allows it for 24 h after, and refuses it again after', async () => {
    await setup();
    expectGraphError(await h.send(text()), 131047, /24 hours/);
    await openWindow();
    expectAccepted(await h.send(text()));
    expectAccepted(await h.send({ to: CUSTOMER, type: 'image', image: { link: 'https://cdn.example.com/a.png' } }));
    clock.advance(24 * 60 * 60 * 1000 - 1);
    expectAccepted(await h.send(text()));
    clock.advance(1);
    expectGraphError(await h.send(text()), 131047);
  });

  it('lets templates through with the window closed, answering message_status accepted', async () => {
    await setup();
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello World' });
    const res = await h.send(template('hello_world'));
    expectAccepted(res);
    expect(res.body.messages[0].message_status).toBe('accepted');
    expect(res.body.contacts[0]).toEqual({ input: CUSTOMER, wa_id: '15550102000' });
  });
});

describe('throughput per number (130429)', () => {
  it('allows the configured rate per second and answers 400 130429 beyond it', async () => {
    await setup();
    const { phoneNumberId } = h.sim.admin.createPhoneNumber({ wabaId: h.wabaId, throughputMps: 5 });
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello' });
    for (let i = 0; i < 5; i++) expectAccepted(await h.send({ ...template('hello_world'), to: `1555000${1000 + i}` }, phoneNumberId));
    expectGraphError(await h.send({ ...template('hello_world'), to: '15550009999' }, phoneNumberId), 130429);
    clock.advance(1000);
    expectAccepted(await h.send({ ...template('hello_world'), to: '15550009999' }, phoneNumberId));
  });

  it('defaults to 80 mps, caps numbers shared with the Business app at 20, and refuses rates over 1,000', async () => {
    await setup();
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello' });
    const coex = h.sim.admin.createPhoneNumber({ wabaId: h.wabaId, coexistence: true, throughputMps: 1000 }).phoneNumberId;
    const sends = async (id: string, n: number) => {
      const codes: number[] = [];
      for (let i = 0; i < n; i++) codes.push((await h.send({ ...template('hello_world'), to: `1555100${1000 + i}` }, id)).status);
      return codes.filter((s) => s === 200).length;
    };
    expect(await sends(h.phoneNumberId, 81)).toBe(80);
    expect(await sends(coex, 21)).toBe(20);
    expect(() => h.sim.admin.createPhoneNumber({ wabaId: h.wabaId, throughputMps: 1001 })).toThrow(/1000/);
  });
});

describe('pair rate limit (131056)', () => {
  it('allows a burst of 45 to one user, then one per 6 s; other users are unaffected', async () => {
    await setup();
    await openWindow();
    for (let i = 0; i < 45; i++) expectAccepted(await h.send(text()));
    expectGraphError(await h.send(text()), 131056, /Retry in \d+ s/);
    await openWindow('+15550103000');
    expectAccepted(await h.send(text('+15550103000')));
    clock.advance(6_000);
    expectAccepted(await h.send(text()));
    expectGraphError(await h.send(text()), 131056);
  });
});

describe('request shape (100, 131008, 131009, 131051)', () => {
  it('answers each malformed send with its code', async () => {
    await setup();
    await openWindow();
    expectGraphError(await h.graph('POST', `/${h.phoneNumberId}/messages`, { to: CUSTOMER, type: 'text', text: { body: 'x' } }), 100, /messaging_product/);
    expectGraphError(await h.send(text(CUSTOMER, 'x'.repeat(4097))), 100, /4096/);
    expectAccepted(await h.send(text(CUSTOMER, 'x'.repeat(4096))));
    expectGraphError(await h.send({ type: 'text', text: { body: 'x' } }), 131008, /to/);
    expectGraphError(await h.send({ to: CUSTOMER, type: 'text' }), 131008, /text/);
    expectGraphError(await h.send({ to: CUSTOMER, type: 'image', image: { caption: 'no media' } }), 131008);
    expectGraphError(await h.send({ to: 'not-a-number', type: 'text', text: { body: 'x' } }), 131009);
    expectGraphError(await h.send({ to: CUSTOMER, type: 'location', location: { latitude: 120, longitude: 0 } }), 131009);
    expectGraphError(await h.send({ to: CUSTOMER, type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: [] } } }), 131009);
    expectGraphError(await h.send({ to: CUSTOMER, type: 'poll', poll: {} }), 131051, /poll/);
    const broken = await fetch(`${h.sim.url}/v21.0/${h.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: '{"messaging_product":',
    });
    expectGraphError({ status: broken.status, body: await broken.json() }, 100, /Invalid parameter/);
  });

  it('accepts every message type Meta sends, and read marks of received messages', async () => {
    await setup();
    const { messageId } = await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, text: 'hi' });
    const bodies = [
      { type: 'audio', audio: { link: 'https://cdn.example.com/a.mp3' } },
      { type: 'video', video: { link: 'https://cdn.example.com/a.mp4' } },
      { type: 'document', document: { link: 'https://cdn.example.com/a.pdf', filename: 'a.pdf' } },
      { type: 'sticker', sticker: { link: 'https://cdn.example.com/a.webp' } },
      { type: 'location', location: { latitude: 52.5, longitude: 13.4, name: 'Berlin' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana', first_name: 'Ana' }, phones: [{ phone: '+15550000000' }] }] },
      { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } },
      { type: 'reaction', reaction: { message_id: messageId, emoji: '👍' } },
      { type: 'text', text: { body: 'quoted', preview_url: false }, context: { message_id: messageId } },
    ];
    for (const b of bodies) expectAccepted(await h.send({ to: CUSTOMER, ...b }));
    expect(await h.send({ status: 'read', message_id: messageId })).toMatchObject({ status: 200, body: { success: true } });
    expectGraphError(await h.send({ status: 'read', message_id: 'wamid.unknown' }), 131009);
  });
});

describe('test numbers (131030)', () => {
  it('reach only their allowed recipients', async () => {
    await setup();
    const { phoneNumberId } = h.sim.admin.createPhoneNumber({ wabaId: h.wabaId, testNumber: true, allowedRecipients: ['+1 555 010 2000'] });
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello' });
    expectAccepted(await h.send(template('hello_world'), phoneNumberId));
    expectGraphError(await h.send({ ...template('hello_world'), to: '+15550109999' }, phoneNumberId), 131030);
  });
});

describe('templates (132000, 132001, 132005, 132012, 132015, 132016, 132018)', () => {
  it('checks existence, language, review status, parameter count, format, whitespace and hydrated length', async () => {
    await setup();
    const wabaId = h.wabaId;
    h.sim.admin.createTemplate({ wabaId, name: 'order', body: 'Hi {{1}}, your order {{2}} ships {{1}}.', header: { format: 'IMAGE' } });
    h.sim.admin.createTemplate({ wabaId, name: 'promo', body: 'Sale', category: 'MARKETING', status: 'PAUSED' });
    h.sim.admin.createTemplate({ wabaId, name: 'old', body: 'Old', status: 'DISABLED' });
    h.sim.admin.createTemplate({ wabaId, name: 'draft', body: 'Draft', status: 'PENDING' });
    const image = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/a.jpg' } }] };
    expectAccepted(await h.send(template('order', [p('Ana'), p('A-1')], [image])));
    expectGraphError(await h.send(template('nope')), 132001, /does not exist in en_US/);
    expectGraphError(await h.send({ ...template('order'), template: { name: 'order', language: { code: 'pt_BR' } } }), 132001, /pt_BR/);
    expectGraphError(await h.send(template('draft')), 132001, /not approved/);
    expectGraphError(await h.send(template('promo')), 132015);
    expectGraphError(await h.send(template('old')), 132016);
    expectGraphError(await h.send(template('order', [p('Ana')], [image])), 132000, /\(1\).*\(2\)/);
    expectGraphError(await h.send(template('order', [p('Ana'), p('A-1')])), 132000, /header/);
    const video = { type: 'header', parameters: [{ type: 'video', video: { link: 'https://cdn.example.com/a.mp4' } }] };
    expectGraphError(await h.send(template('order', [p('Ana'), p('A-1')], [video])), 132012);
    expectGraphError(await h.send(template('order', [p('Ana'), { type: 'image', image: { link: 'x' } }], [image])), 132012);
    for (const bad of ['two\nlines', 'a\ttab', 'five     spaces']) {
      expectGraphError(await h.send(template('order', [p(bad), p('A-1')], [image])), 132018, 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces');
    }
    expectAccepted(await h.send(template('order', [p('four    spaces'), p('A-1')], [image])));
    expectGraphError(await h.send(template('order', [p('x'.repeat(600)), p('A-1')], [image])), 132005);
    expectGraphError(await h.send(template('order', [p(''), p('A-1')], [image])), 131008);
  });
});

describe('media on send (131009, 131053)', () => {
  it('refuses unknown ids and ids whose MIME type does not fit the message type', async () => {
    await setup();
    await openWindow();
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/png');
    form.set('file', new Blob([Buffer.from('png')], { type: 'image/png' }), 'a.png');
    const up = await fetch(`${h.sim.url}/v21.0/${h.phoneNumberId}/media`, { method: 'POST', headers: { authorization: `Bearer ${h.token}` }, body: form });
    const { id } = (await up.json()) as { id: string };
    expectAccepted(await h.send({ to: CUSTOMER, type: 'image', image: { id } }));
    expectGraphError(await h.send({ to: CUSTOMER, type: 'audio', audio: { id } }), 131053, /image\/png cannot be sent as audio/);
    expectGraphError(await h.send({ to: CUSTOMER, type: 'image', image: { id: '999' } }), 131009);
  });
});

describe('account standing (131031, 368, 133010, 131057, 131048)', () => {
  it('refuses sends from locked, blocked, unregistered, maintenance and spam-flagged senders', async () => {
    await setup();
    h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello' });
    const send = () => h.send(template('hello_world'));
    h.sim.admin.updateBusiness(h.wabaId, { locked: true });
    expectGraphError(await send(), 131031);
    h.sim.admin.updateBusiness(h.wabaId, { locked: false, policyBlocked: true });
    expectGraphError(await send(), 368);
    h.sim.admin.updateBusiness(h.wabaId, { policyBlocked: false });
    h.sim.admin.updatePhoneNumber(h.phoneNumberId, { registered: false });
    expectGraphError(await send(), 133010);
    h.sim.admin.updatePhoneNumber(h.phoneNumberId, { registered: true, maintenance: true });
    expectGraphError(await send(), 131057);
    h.sim.admin.updatePhoneNumber(h.phoneNumberId, { maintenance: false, spamFlagged: true });
    expectGraphError(await send(), 131048);
    h.sim.admin.updatePhoneNumber(h.phoneNumberId, { spamFlagged: false });
    expectAccepted(await send());
  });
});

describe('auth (0, 190, 10) and unknown objects (100)', () => {
  it('answers missing, unknown and expired tokens with 401, and another business’s number with a permission error', async () => {
    await setup();
    await openWindow();
    const path = `/${h.phoneNumberId}/messages`;
    const body = { messaging_product: 'whatsapp', ...text() };
    expectGraphError(await h.graph('POST', path, body, null), 0);
    expectGraphError(await h.graph('POST', path, body, 'EAAGnot-a-token'), 190, /Cannot parse access token/);
    const other = h.sim.admin.createBusiness({ tokenExpiresAt: clock.now() + 1000 });
    expectGraphError(await h.graph('POST', path, body, other.accessToken), 10, /Permission/);
    clock.advance(1000);
    const expired = await h.graph('POST', path, body, other.accessToken);
    expectGraphError(expired, 190, /expired/);
    expect(expired.body.error.error_subcode).toBe(463);
    const unknown = await h.send(text(), '1999');
    expectGraphError(unknown, 100, /does not exist/);
    expect(unknown.body.error.error_subcode).toBe(33);
    const noVersion = await fetch(`${h.sim.url}/latest/${h.phoneNumberId}/messages`, { method: 'POST', headers: { authorization: `Bearer ${h.token}` } });
    expectGraphError({ status: noVersion.status, body: await noVersion.json() }, 100, /not a Graph API version/);
  });
});

describe('call limits (4, 80007)', () => {
  it('refuses app calls over the hourly limit with 4, and management calls over the business limit with 80007', async () => {
    await setup({ appCallsPerHour: 3, managementCallsPerHour: 2 });
    expect((await h.graph('GET', `/${h.wabaId}/message_templates`)).status).toBe(200);
    expect((await h.graph('GET', `/${h.wabaId}/phone_numbers`)).status).toBe(200);
    expectGraphError(await h.graph('GET', `/${h.wabaId}/message_templates`), 80007);
    expectGraphError(await h.graph('GET', `/${h.wabaId}/message_templates`), 4);
    clock.advance(60 * 60 * 1000);
    expect((await h.graph('GET', `/${h.wabaId}/message_templates`)).status).toBe(200);
  });
});
