/**
 * Contacts end to end over real sockets: the contact check against the simulator (cached with a TTL), the 24-hour
 * window it reports, the send refusal for contacts without WhatsApp (and forcing it), and opt-outs by API and STOP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, nextRecipient, template } from '../helpers/controls.js';
import { signBody } from '../../src/webhooks/inbound/verify.js';
import { APP_SECRET, startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
let s: Sender;
beforeAll(async () => {
  h = await startDispatchHarness({ dispatcher: { idlePollMs: 10 } });
  s = await h.createSender();
});
afterAll(() => h.close());

const api = (method: string, path: string, body?: unknown) => call(h, s.key, method, path, body);
/** Posts one customer message to the sender's number as Meta would: signed with the app secret. */
function deliverInbound(message: Record<string, unknown>): Promise<Response> {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: s.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: s.phoneNumberId }, messages: [message] } }] }],
  });
  return fetch(`${h.gateway.url}/webhooks/meta`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) }, body });
}
const contactCalls = () => h.simulator.admin.requests().filter((r) => r.path.endsWith('/contacts')).length;

describe('POST /v1/contacts/check', () => {
  it('answers who has WhatsApp from the upstream, then from its cache until forced', async () => {
    const [without, withApp] = [nextRecipient(), nextRecipient()];
    h.simulator.admin.setContact({ waId: without, hasWhatsApp: false });
    const first = await api('POST', '/v1/contacts/check', { contacts: [`+${without}`, withApp, '12'] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.contacts).toMatchObject([
      { input: `+${without}`, status: 'invalid', wa_id: null, cached: false },
      { input: withApp, status: 'valid', wa_id: withApp, cached: false, opted_out: false, window: { open: false, open_until: null } },
      { input: '12', status: 'invalid', wa_id: null },
    ]);
    const calls = contactCalls();
    const second = await api('POST', '/v1/contacts/check', { contacts: [without, withApp] });
    expect(second.body.contacts.map((c: { cached: boolean }) => c.cached)).toEqual([true, true]);
    expect(contactCalls()).toBe(calls);
    await api('POST', '/v1/contacts/check', { contacts: [withApp], force_check: true });
    expect(contactCalls()).toBe(calls + 1);
  });

  it("reports the contact's 24-hour window, open until 24 h after they last wrote", async () => {
    const to = nextRecipient();
    await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: to, text: 'hello' });
    await h.waitFor(async () => (await h.gateway.store.getLastInbound(s.numberId, to)) !== null);
    const res = await api('POST', '/v1/contacts/check', { contacts: [to] });
    const window = res.body.contacts[0].window;
    expect(window.open).toBe(true);
    expect(Date.parse(window.open_until) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
  });

  it('bounds a signed inbound message\'s far-future timestamp, so the check answers and the window closes 24 h after receipt', async () => {
    const from = nextRecipient();
    const stored = await deliverInbound({ from, id: `wamid.FUTURE${from}`, timestamp: '99999999999999', type: 'text', text: { body: 'from the year 5138' } });
    expect(stored.status).toBe(200);
    await h.waitFor(async () => (await h.gateway.store.getLastInbound(s.numberId, from)) !== null);
    const res = await api('POST', '/v1/contacts/check', { contacts: [from] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const openFor = Date.parse(res.body.contacts[0].window.open_until) - Date.now();
    expect(openFor).toBeGreaterThan(23.9 * 3600_000);
    expect(openFor).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('keeps the window of a far-future message where its first receipt put it when Meta sends the message again', async () => {
    const from = nextRecipient();
    const deliver = () => deliverInbound({ from, id: `wamid.AGAIN${from}`, timestamp: '99999999999999', type: 'text', text: { body: 'sent twice' } });
    expect((await deliver()).status).toBe(200);
    await h.waitFor(async () => (await h.gateway.store.getLastInbound(s.numberId, from)) !== null);
    const first = await h.gateway.store.getLastInbound(s.numberId, from);
    await h.waitFor(() => Date.now() > first! + 5);
    expect((await deliver()).status).toBe(200);
    await h.gateway.metaWebhooks.idle();
    expect(await h.gateway.store.getLastInbound(s.numberId, from)).toBe(first);
  });
});

describe('contact checks between tenants', () => {
  it("never answers from another account's check or from a contact writing to another account's number", async () => {
    const other = await h.createSender();
    const asOther = (path: string, body: unknown) => call(h, other.key, 'POST', path, body);
    const [checkedByOther, wroteToOther, invalidForOther] = [nextRecipient(), nextRecipient(), nextRecipient()];
    h.simulator.admin.setContact({ waId: invalidForOther, hasWhatsApp: false });
    await asOther('/v1/contacts/check', { contacts: [checkedByOther, invalidForOther] });
    await h.simulator.admin.sendInbound({ phoneNumberId: other.phoneNumberId, from: wroteToOther, text: 'hello' });
    await h.waitFor(async () => (await h.gateway.store.contactChecks.getContactCheck(other.accountId, wroteToOther, 0)) !== undefined);

    const calls = contactCalls();
    const mine = await api('POST', '/v1/contacts/check', { contacts: [checkedByOther, wroteToOther] });
    expect(mine.body.contacts.map((c: { cached: boolean }) => c.cached)).toEqual([false, false]);
    expect(contactCalls()).toBe(calls + 1);
    // The other account's "no WhatsApp" answer does not refuse this account's send.
    expect((await api('POST', '/v1/messages', template(invalidForOther))).status).toBe(202);
    // And the other account still has its own cache.
    const theirs = await asOther('/v1/contacts/check', { contacts: [checkedByOther, wroteToOther] });
    expect(theirs.body.contacts.map((c: { cached: boolean }) => c.cached)).toEqual([true, true]);
  });
});

describe('sending to a contact without WhatsApp (seed 000 "Recipient not on WhatsApp", seed 002 131026)', () => {
  it('is refused before upstream once a check found no WhatsApp, and goes out (and fails upstream with 131026) when forced', async () => {
    const to = nextRecipient();
    h.simulator.admin.setContact({ waId: to, hasWhatsApp: false });
    // Never checked: Switchboard does not know, so Meta decides.
    const unchecked = await api('POST', '/v1/messages', template(to));
    expect(unchecked.status).toBe(202);
    await h.waitForStatus(s, [unchecked.body.id], ['failed']);
    expect((await h.message(s, unchecked.body.id)).error).toMatchObject({ namespace: 'meta', code: 131026 });

    await api('POST', '/v1/contacts/check', { contacts: [to] });
    const refused = await api('POST', '/v1/messages', template(to));
    expect([refused.status, refused.body.code, refused.body.field]).toEqual([422, 'recipient_not_on_whatsapp', 'to']);

    const forced = await api('POST', '/v1/messages', { ...template(to), force: true });
    expect(forced.status).toBe(202);
    await h.waitForStatus(s, [forced.body.id], ['failed']);
    expect((await h.message(s, forced.body.id)).error).toMatchObject({ namespace: 'meta', code: 131026 });
  });
});

describe('opt-outs (seed 001 code 15 "Subscriber has blocked this service")', () => {
  it('refuses sends to a contact opted out through the API until they are opted back in', async () => {
    const to = nextRecipient();
    expect((await api('PUT', `/v1/opt-outs/${to}`)).status).toBe(200);
    const refused = await api('POST', '/v1/messages', template(to));
    expect([refused.status, refused.body.code]).toEqual([422, 'recipient_opted_out']);
    expect((await api('GET', '/v1/opt-outs')).body.data.map((o: { wa_id: string }) => o.wa_id)).toContain(to);
    expect((await api('POST', '/v1/contacts/check', { contacts: [to] })).body.contacts[0].opted_out).toBe(true);
    expect((await api('DELETE', `/v1/opt-outs/${to}`)).status).toBe(204);
    expect((await api('POST', '/v1/messages', template(to))).status).toBe(202);
  });

  it('records a STOP keyword from an inbound message and refuses sends after it', async () => {
    const to = nextRecipient();
    await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: to, text: 'STOP' });
    await h.waitFor(async () => (await h.gateway.store.getOptOut(s.accountId, to)) !== null);
    const refused = await api('POST', '/v1/messages', template(to));
    expect([refused.status, refused.body.code]).toEqual([422, 'recipient_opted_out']);
  });
});
