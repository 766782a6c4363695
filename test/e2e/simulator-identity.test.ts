// The simulator's side of usernames and user ids, marketing preferences, Block Users and read marks, over real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../src/simulator/testing/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const CUSTOMER = '15550104000';
const USER_ID = 'US.13491208655302741918';

describe('simulated Meta: users by id', () => {
  it('withholds a username user\u2019s phone, names them by user id, and takes sends to the id in `recipient`', async () => {
    h = await startHarness();
    h.sim.admin.setContact({ waId: CUSTOMER, userId: USER_ID, username: 'jane.doe', withholdPhone: true });
    await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, text: 'hi' });
    await h.sim.admin.flushWebhooks();
    const [message] = h.hooks.messages();
    expect(message).toMatchObject({ from_user_id: USER_ID });
    expect(message).not.toHaveProperty('from');
    const change = h.hooks.changes('messages').find((v) => v.contacts !== undefined)!;
    expect(change.contacts).toEqual([{ profile: { name: expect.any(String), username: 'jane.doe' }, user_id: USER_ID }]);

    const sent = await h.send({ recipient: USER_ID, type: 'text', text: { body: 'hello' } });
    expect(sent.status).toBe(200);
    expect(sent.body.contacts).toEqual([{ input: USER_ID, user_id: USER_ID }]);
    await h.hooks.waitFor(() => h.hooks.statuses().some((st) => st.status === 'delivered'));
    const delivered = h.hooks.statuses().find((st) => st.status === 'delivered')!;
    expect(delivered).toMatchObject({ recipient_user_id: USER_ID });
    expect(delivered).not.toHaveProperty('recipient_id');
    const unknown = await h.send({ recipient: 'US.999', type: 'text', text: { body: 'hello' } });
    expect(unknown.body.error).toMatchObject({ code: 131009 });
  });

  it('announces a phone change with user_id_update and a marketing stop with user_preferences', async () => {
    h = await startHarness();
    h.sim.admin.setContact({ waId: CUSTOMER, userId: USER_ID });
    const { userId } = h.sim.admin.changeUserPhone({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, to: '15550104001' });
    h.sim.admin.setMarketingPreference({ phoneNumberId: h.phoneNumberId, waId: '15550104001', value: 'stop' });
    await h.sim.admin.flushWebhooks();
    expect(h.hooks.changes('user_id_update')[0]).toMatchObject({
      user_id_update: [{ wa_id: '15550104001', user_id: { previous: USER_ID, current: userId } }],
    });
    expect(h.hooks.changes('user_preferences')[0]).toMatchObject({
      user_preferences: [{ wa_id: '15550104001', user_id: userId, category: 'marketing_messages', value: 'stop' }],
    });
  });
});

describe('simulated Meta: Block Users and read marks', () => {
  it('blocks only users who wrote in the last 24 h, refuses sends to them, lists and unblocks them', async () => {
    h = await startHarness();
    await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, text: 'hi' });
    const block = (users: string[], method = 'POST') =>
      h.graph(method, `/${h.phoneNumberId}/block_users`, { messaging_product: 'whatsapp', block_users: users.map((user) => ({ user })) });
    const mixed = await block([CUSTOMER, '15550109999']);
    expect(mixed.status).toBe(400);
    expect(mixed.body).toMatchObject({
      block_users: { added_users: [{ input: CUSTOMER, wa_id: CUSTOMER }], failed_users: [{ input: '15550109999', errors: [{ code: 131047 }] }] },
      error: { code: 139100 },
    });
    expect((await h.graph('GET', `/${h.phoneNumberId}/block_users`)).body).toEqual({ data: [{ messaging_product: 'whatsapp', wa_id: CUSTOMER }] });
    expect((await h.send({ to: CUSTOMER, type: 'text', text: { body: 'x' } })).body.error).toMatchObject({ code: 130403 });
    expect((await block(Array.from({ length: 1001 }, (_, i) => `1555011${String(i).padStart(4, '0')}`))).body.error).toMatchObject({ code: 130429 });
    expect((await block([CUSTOMER], 'DELETE')).body).toEqual({ messaging_product: 'whatsapp', block_users: { removed_users: [{ input: CUSTOMER, wa_id: CUSTOMER }] } });
    expect(h.sim.admin.blockedUsers(h.phoneNumberId)).toEqual([]);
  });

  it('records a read mark with its typing indicator', async () => {
    h = await startHarness();
    const { messageId } = await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, text: 'hi' });
    const read = await h.send({ status: 'read', message_id: messageId, typing_indicator: { type: 'text' } });
    expect(read.body).toEqual({ success: true });
    expect(h.sim.admin.readMarks()).toEqual([{ phoneNumberId: h.phoneNumberId, messageId, typingIndicator: 'text', at: expect.any(Number) }]);
    expect((await h.send({ status: 'read', message_id: messageId, typing_indicator: { type: 'audio' } })).body.error).toMatchObject({ code: 100 });
  });
});
