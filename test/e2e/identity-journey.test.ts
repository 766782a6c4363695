/**
 * Issue 16's identity journeys over real sockets, the gateway against the simulator: a username user whose phone is
 * withheld, STOP by user id and by phone, a phone change moving the contact's facts and history to the new user id,
 * marketing stop and resume, blocks round trip, and a read mark with a typing indicator reaching the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, nextRecipient } from '../helpers/controls.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';
import { readTestDatabase } from '../helpers/test-database.js';

let h: DispatchHarness;
let s: Sender;
beforeAll(async () => {
  h = await startDispatchHarness({ dispatcher: { idlePollMs: 10 } });
  s = await h.createSender();
});
afterAll(() => h.close());

const api = (method: string, path: string, body?: unknown) => call(h, s.key, method, path, body);
const text = (to: string, body = 'hello') => ({ to, type: 'text', text: { body } });
let serial = 0;
const nextUserId = () => `US.8${Date.now()}${(serial += 1)}`;

/** A username user (phone withheld) writes in; resolves once the gateway applied the webhook. */
async function usernameUserWrites(phone: string, userId: string, words = 'hi'): Promise<string> {
  h.simulator.admin.setContact({ waId: phone, userId, username: `user${serial}`, withholdPhone: true });
  const { messageId } = await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: phone, text: words });
  await h.simulator.admin.flushWebhooks();
  await h.gateway.metaWebhooks.idle();
  return messageId;
}

describe('contacts known by user id', () => {
  it('opens the window of a username user by user id, and delivers a free-form reply sent to the id', async () => {
    const [phone, userId] = [nextRecipient(), nextUserId()];
    const inbound = await usernameUserWrites(phone, userId);
    expect(await h.gateway.store.identities.getProfile(s.accountId, userId)).toMatchObject({ key: userId, userId, username: expect.any(String) });
    expect((await h.gateway.store.identities.getProfile(s.accountId, userId))?.phone).toBeUndefined();
    const sent = await h.send(s, text(userId));
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const id = String(sent.body.id);
    await h.waitForStatus(s, [id], ['delivered', 'read']);
    const upstream = h.upstreamSends(s).find((r) => (r.body as { recipient?: string }).recipient === userId);
    expect(upstream?.body).toMatchObject({ recipient: userId, type: 'text' });
    expect(upstream?.body).not.toHaveProperty('to');
    // The customer's events name the user by id: the phone was never shown.
    const events = await readTestDatabase(h.config.dataDir, (db) =>
      db.selectFrom('events').select(['type', 'payload']).where('subject_id', 'in', [inbound, id]).execute());
    const data = (type: string) => JSON.parse(events.find((e) => e.type === type)?.payload ?? 'null') as Record<string, unknown> | null;
    expect(data('message.received')).toMatchObject({ from: userId, user_id: userId, username: expect.any(String) });
    expect(data('message.delivered')).toMatchObject({ to: userId, message_id: id });
    // The batch and Meta's own body (`recipient`) take the user id too.
    const batch = await api('POST', '/v1/messages/batch', { messages: [text(userId, 'one'), text(userId, 'two')], duplicates: 'drop' });
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    expect(batch.body).toMatchObject({ accepted: 1, dropped: 1 });
    const cloud = await fetch(`${h.gateway.url}/v23.0/${s.phoneNumberId}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient: userId, type: 'text', text: { body: 'via Graph' } }),
    });
    expect(await cloud.json()).toMatchObject({ contacts: [{ input: userId, user_id: userId }], messages: [{ id: expect.any(String) }] });
    // A malformed id is refused before upstream with its own code.
    expect((await h.send(s, text('US.12-34'))).body).toMatchObject({ code: 'invalid_user_id', field: 'to' });
  });

  it('honours STOP by user id, and by phone once Meta reveals it', async () => {
    const [phone, userId] = [nextRecipient(), nextUserId()];
    await usernameUserWrites(phone, userId, 'STOP');
    expect((await h.send(s, text(userId))).body).toMatchObject({ code: 'recipient_opted_out' });
    // The user now shows the phone: the gateway links it to the same contact, with its opt-out.
    h.simulator.admin.setContact({ waId: phone, withholdPhone: false });
    await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: phone, text: 'just a question' });
    await h.simulator.admin.flushWebhooks();
    await h.gateway.metaWebhooks.idle();
    expect((await h.send(s, text(phone))).body).toMatchObject({ code: 'recipient_opted_out' });
    expect((await h.send(s, text(`+${phone}`))).body).toMatchObject({ code: 'recipient_opted_out' });
  });

  it('moves the window, opt-outs and history to the new user id after a phone change', async () => {
    const [phone, newPhone, userId] = [nextRecipient(), nextRecipient(), nextUserId()];
    await usernameUserWrites(phone, userId);
    const before = await h.send(s, text(userId, 'before the change'));
    expect(before.status).toBe(202);
    const { userId: newUserId } = h.simulator.admin.changeUserPhone({ phoneNumberId: s.phoneNumberId, from: phone, to: newPhone });
    await h.simulator.admin.flushWebhooks();
    await h.gateway.metaWebhooks.idle();
    expect(await h.gateway.store.identities.getProfile(s.accountId, newUserId)).toMatchObject({ key: userId, userId: newUserId, phone: newPhone });
    // The window opened under the old id holds for the new one, and the simulator delivers to it.
    const after = await h.send(s, text(newUserId, 'after the change'));
    expect(after.status, JSON.stringify(after.body)).toBe(202);
    await h.waitForStatus(s, [String(after.body.id)], ['delivered', 'read']);
    const history = await api('GET', `/v1/messages?to=${newUserId}`);
    expect(history.body.data.map((m: { id: string }) => m.id).sort()).toEqual([String(before.body.id), String(after.body.id)].sort());
    const contact = await api('GET', `/v1/contacts/${newPhone}`);
    expect(contact.body).toMatchObject({ phone: newPhone, user_id: newUserId, username: expect.any(String), opted_out_at: null, marketing_stopped_at: null });
    // The old phone was withheld, so the gateway never knew it.
    expect(contact.body.identifiers).toEqual([newPhone, userId, newUserId].sort());
    expect((await api('GET', '/v1/contacts/US.404')).body).toMatchObject({ code: 'not_found' });
    expect((await api('PUT', `/v1/opt-outs/${newPhone}`)).status).toBe(200);
    expect((await h.send(s, text(userId))).body).toMatchObject({ code: 'recipient_opted_out' });
  });

  it('refuses a marketing template to a contact who stopped marketing, accepts a utility one, and sends again after resume', async () => {
    const phone = nextRecipient();
    h.simulator.admin.createTemplate({ wabaId: s.wabaId, name: 'spring_sale', language: 'en_US', status: 'APPROVED', category: 'MARKETING', body: 'Sale' });
    await api('POST', '/v1/templates/sync');
    h.simulator.admin.setMarketingPreference({ phoneNumberId: s.phoneNumberId, waId: phone, value: 'stop' });
    await h.simulator.admin.flushWebhooks();
    await h.gateway.metaWebhooks.idle();
    const template = (name: string) => ({ to: phone, type: 'template', template: { name, language: 'en_US' } });
    const refused = await h.send(s, template('spring_sale'));
    expect(refused.body).toMatchObject({ code: 131050, namespace: 'meta', field: 'template.name' });
    expect(refused.status).toBe(400);
    const utility = await h.send(s, template('hello_world'));
    expect(utility.status).toBe(202);
    // Sent to the phone, reported by Meta with the user id too: the customer's event carries both.
    await h.waitForStatus(s, [String(utility.body.id)], ['delivered', 'read']);
    const delivered = await readTestDatabase(h.config.dataDir, (db) =>
      db.selectFrom('events').select('payload').where('subject_id', '=', String(utility.body.id)).where('type', '=', 'message.delivered').executeTakeFirst());
    expect(JSON.parse(delivered?.payload ?? 'null')).toMatchObject({ to: phone, user_id: expect.stringMatching(/^US\.[0-9]+$/) });
    h.simulator.admin.setMarketingPreference({ phoneNumberId: s.phoneNumberId, waId: phone, value: 'resume' });
    await h.simulator.admin.flushWebhooks();
    await h.gateway.metaWebhooks.idle();
    expect((await h.send(s, template('spring_sale'))).status).toBe(202);
  });
});

describe('blocks and read marks', () => {
  it('blocks a user who wrote in, refuses sends to them in preflight, lists and unblocks them', async () => {
    const [phone, userId, silent] = [nextRecipient(), nextUserId(), nextRecipient()];
    await usernameUserWrites(phone, userId);
    const blocked = await api('POST', `/v1/numbers/${s.numberId}/blocks`, { users: [userId, silent] });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
    expect(blocked.body.done).toEqual([{ input: userId, user: userId }]);
    expect(blocked.body.failed).toMatchObject([{ input: silent, error: { code: 131047, namespace: 'meta' } }]);
    expect(h.simulator.admin.blockedUsers(s.phoneNumberId)).toEqual([phone]);
    expect((await api('GET', `/v1/numbers/${s.numberId}/blocks`)).body.blocks).toMatchObject([{ user: userId }]);
    const upstreamBefore = h.upstreamSends(s).length;
    expect((await h.send(s, text(userId))).body).toMatchObject({ code: 130403, namespace: 'meta' });
    expect(h.upstreamSends(s).length).toBe(upstreamBefore);
    expect((await api('POST', `/v1/numbers/${s.numberId}/blocks`, { users: Array.from({ length: 1001 }, () => phone) })).body).toMatchObject({ code: 'too_many_block_users' });
    const unblocked = await api('DELETE', `/v1/numbers/${s.numberId}/blocks`, { users: [userId] });
    expect(unblocked.body.done).toEqual([{ input: userId, user: userId }]);
    expect(h.simulator.admin.blockedUsers(s.phoneNumberId)).toEqual([]);
    expect((await h.send(s, text(userId))).status).toBe(202);
  });

  it('speaks Meta\u2019s block_users on the compatible surface', async () => {
    const phone = nextRecipient();
    await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: phone, text: 'hi' });
    await h.simulator.admin.flushWebhooks();
    await h.gateway.metaWebhooks.idle();
    const res = await fetch(`${h.gateway.url}/v23.0/${s.phoneNumberId}/block_users`, {
      method: 'POST', headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', block_users: [{ user: phone }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messaging_product: 'whatsapp', block_users: { added_users: [{ input: phone, wa_id: phone }] } });
    const list = await fetch(`${h.gateway.url}/v23.0/${s.phoneNumberId}/block_users`, { headers: { authorization: `Bearer ${s.key}` } });
    expect(await list.json()).toEqual({ data: [{ messaging_product: 'whatsapp', wa_id: phone }] });
  });

  it('marks a customer message read with a typing indicator, natively and with Meta\u2019s body', async () => {
    const [phone, userId] = [nextRecipient(), nextUserId()];
    const first = await usernameUserWrites(phone, userId);
    const read = await api('POST', `/v1/messages/${first}/read`, { typing_indicator: true });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(h.simulator.admin.readMarks()).toContainEqual({ phoneNumberId: s.phoneNumberId, messageId: first, typingIndicator: 'text', at: expect.any(Number) });
    const second = await usernameUserWrites(phone, userId, 'another');
    const res = await fetch(`${h.gateway.url}/v23.0/${s.phoneNumberId}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: second }),
    });
    expect(await res.json()).toEqual({ success: true });
    expect(h.simulator.admin.readMarks().find((m) => m.messageId === second)).toEqual({ phoneNumberId: s.phoneNumberId, messageId: second, at: expect.any(Number) });
    expect((await api('POST', '/v1/messages/wamid.NOPE/read', {})).body).toMatchObject({ code: 'message_not_found' });
  });
});
