/**
 * Number, account and template health end to end over real sockets: the simulator posts Meta's health webhooks, the
 * gateway applies them, and sends, the dispatch queue, customer events and GET /v1/numbers/{id}/health follow. Also the
 * pricing Meta puts on statuses: shown on the message, and a free one refunds a prepaid reservation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOutbound } from '../../src/domain/validation/outbound.js';
import { admin, call, nextRecipient, template, text } from '../helpers/controls.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
beforeAll(async () => {
  h = await startDispatchHarness({ dispatcher: { idlePollMs: 10 } });
});
afterAll(() => h.close());

const api = (s: Sender, method: string, path: string, body?: unknown) => call(h, s.key, method, path, body);
const health = async (s: Sender) => (await api(s, 'GET', `/v1/numbers/${s.numberId}/health`)).body;
const reasons = async (s: Sender) => ((await health(s)).reasons as { reason: string }[]).map((r) => r.reason);
const numberEvents = (s: Sender) => h.eventsOf(s.numberId);

describe('number quality and the messaging limit', () => {
  it('follows the tier Meta reports, lets the operator\u2019s tier override it, and tells each change', async () => {
    const s = await h.createSender({ mps: 1000 });
    h.simulator.admin.health.setNumberQuality({ phoneNumberId: s.phoneNumberId, event: 'UPGRADE', tier: 'TIER_10K' });
    await h.waitFor(async () => (await health(s)).messaging_tier === 'TIER_10K');
    // Quality drops: Meta lowers the tier, and the limit follows at once.
    h.simulator.admin.health.setNumberQuality({ phoneNumberId: s.phoneNumberId, event: 'DOWNGRADE', tier: 'TIER_50' });
    const lowered = await h.waitFor(async () => {
      const answer = await health(s);
      return answer.messaging_limit === 50 ? answer : undefined;
    });
    expect(lowered).toMatchObject({ can_send: true, quality_rating: 'RED', messaging_tier: 'TIER_50', messaging_limit_source: 'meta', reasons: [{ reason: 'quality_low', blocking: false }] });
    const sent = await Promise.all(Array.from({ length: 50 }, () => api(s, 'POST', '/v1/messages', template(nextRecipient()))));
    expect(sent.map((r) => r.status)).toEqual(Array(50).fill(202));
    const refused = await api(s, 'POST', '/v1/messages', template(nextRecipient()));
    expect([refused.status, refused.body.code]).toEqual([429, 'messaging_limit_reached']);
    expect(await reasons(s)).toEqual(['messaging_limit_reached', 'quality_low']);
    // The operator's configured tier overrides Meta's.
    await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}/controls`, { messaging_tier: 250 });
    expect((await api(s, 'POST', '/v1/messages', template(nextRecipient()))).status).toBe(202);
    expect(await health(s)).toMatchObject({ messaging_limit: 250, messaging_limit_source: 'configured', messaging_tier: 'TIER_50' });
    expect(await numberEvents(s)).toEqual(['number.quality_changed', 'number.quality_changed']);
  });
});

describe('account restrictions', () => {
  it('refuses sends with account_restricted while Meta restricts the account, holds what was queued, and resumes when lifted', async () => {
    const s = await h.createSender();
    const to = nextRecipient();
    await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: to, text: 'hi' });
    await h.waitFor(async () => (await h.gateway.store.getLastInbound(s.numberId, to)) !== null);
    h.simulator.admin.health.restrictAccount({ wabaId: s.wabaId, restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING' }, { type: 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING' }] });
    await h.waitFor(async () => (await reasons(s)).includes('restricted'));
    const before = h.upstreamSends(s).length;
    for (const body of [template(nextRecipient()), text(to)]) {
      const res = await api(s, 'POST', '/v1/messages', body);
      expect([res.status, res.body.code, res.body.retryable]).toEqual([403, 'account_restricted', true]);
    }
    // A message accepted just before the webhook arrived waits in the queue instead of being refused by Meta.
    const [queued] = await h.gateway.store.acceptMessages(
      [{ accountId: s.accountId, numberId: s.numberId, to, type: 'text', payload: validateOutbound(text(to)).payload, creditCost: 0 }], Date.now());
    const queuedId = queued?.kind === 'accepted' ? queued.id : '';
    h.gateway.store.wakeUps.signal('outbox');
    await new Promise((r) => setTimeout(r, 300));
    expect([(await h.message(s, queuedId)).status, h.upstreamSends(s).length]).toEqual(['accepted', before]);

    h.simulator.admin.health.liftRestriction({ wabaId: s.wabaId });
    await h.waitFor(async () => (await health(s)).can_send === true);
    await h.waitForStatus(s, [queuedId], ['sent', 'delivered', 'read']);
    const after = await api(s, 'POST', '/v1/messages', template(nextRecipient()));
    expect(after.status).toBe(202);
    await h.waitForStatus(s, [String(after.body.id)], ['sent', 'delivered', 'read']);
    expect(await numberEvents(s)).toEqual(['account.restricted', 'account.restriction_lifted']);
  });
});

describe('template quality and category', () => {
  it('refuses a template Meta paused after a quality drop with 132015, and records its new category', async () => {
    const s = await h.createSender();
    expect((await api(s, 'POST', '/v1/templates/sync')).body).toEqual({ synced: 1 });
    h.simulator.admin.health.setTemplateQuality({ wabaId: s.wabaId, name: 'hello_world', quality: 'RED', pause: true });
    const paused = await h.waitFor(async () => {
      const res = await api(s, 'POST', '/v1/messages', template(nextRecipient()));
      return res.status === 202 ? undefined : res;
    });
    expect([paused.status, paused.body.namespace, paused.body.code]).toEqual([400, 'meta', 132015]);
    h.simulator.admin.health.changeTemplateCategory({ wabaId: s.wabaId, name: 'hello_world', category: 'MARKETING' });
    await h.waitFor(async () => (await api(s, 'GET', '/v1/templates?name=hello_world')).body.data[0]?.category === 'MARKETING');
    const events = await h.eventsOf(`${s.wabaId}/hello_world/en_US`);
    expect(events).toEqual(['template.quality_changed', 'template.status', 'template.category_changed']);
  });
});

describe('pricing on statuses', () => {
  it('shows Meta\u2019s pricing on the message and refunds a free customer-service reply once, keeping a template\u2019s charge', async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 10 });
    const to = nextRecipient();
    await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: to, text: 'hi' });
    await h.waitFor(async () => (await h.gateway.store.getLastInbound(s.numberId, to)) !== null);
    const paid = String((await api(s, 'POST', '/v1/messages', template(to))).body.id);
    const reply = String((await api(s, 'POST', '/v1/messages', text(to))).body.id);
    await h.waitForStatus(s, [paid, reply], ['delivered', 'read']);
    expect((await h.message(s, paid)).pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' });
    expect((await h.message(s, reply)).pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });
    const ledger = await h.waitFor(async () => {
      const l = await admin(h, 'GET', `/v1/admin/accounts/${s.accountId}/ledger`);
      return l.body.data.some((e: { kind: string }) => e.kind === 'free') && l.body.balance === 9 ? l : undefined;
    });
    expect(ledger.body).toMatchObject({ balance: 9, ledger_sum: 9, drift: 0 });
    expect(ledger.body.data.filter((e: { kind: string }) => e.kind === 'free')).toEqual([expect.objectContaining({ message_id: reply, amount: 1 })]);
  });
});

describe('dated price tables', () => {
  it('reserves the price in effect now, not an older or a coming one', async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 100 });
    const day = 86_400_000;
    const set = await admin(h, 'PUT', `/v1/admin/accounts/${s.accountId}/prices`, {
      prices: [
        { category: 'utility', country: 'DE', price: 2 },
        { category: 'utility', country: 'DE', price: 5, effective_from: new Date(Date.now() - day).toISOString() },
        { category: 'utility', country: 'DE', price: 9, effective_from: new Date(Date.now() + day).toISOString() },
      ],
    });
    expect(set.status).toBe(200);
    expect(set.body.prices.map((p: { price: number; effective_from?: string }) => [p.price, typeof p.effective_from])).toEqual([[2, 'undefined'], [5, 'string'], [9, 'string']]);
    expect((await api(s, 'POST', '/v1/messages', template(nextRecipient()))).status).toBe(202);
    expect((await api(s, 'GET', '/v1/credit')).body.balance).toBe(95);
  });
});

describe('GET /v1/numbers/{id}/health', () => {
  it('lists every reason the number cannot send, and answers not_found for another account\u2019s number', async () => {
    const s = await h.createSender();
    const other = await h.createSender();
    expect(await health(s)).toMatchObject({ number_id: s.numberId, can_send: true, reasons: [], quality_rating: null, messaging_tier: null, restriction: null });
    h.simulator.admin.addFault({ error: 190, count: 1000, match: { phoneNumberId: s.phoneNumberId } });
    await h.sendTemplate(s, nextRecipient());
    h.simulator.admin.health.setNumberQuality({ phoneNumberId: s.phoneNumberId, event: 'FLAGGED' });
    h.simulator.admin.health.restrictAccount({ wabaId: s.wabaId, phoneNumberId: s.phoneNumberId, restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: Date.now() + 3_600_000 }] });
    await admin(h, 'PATCH', `/v1/admin/numbers/${s.numberId}`, { registration: 'pending' });
    const answer = await h.waitFor(async () => {
      const a = await health(s);
      return a.reasons.length === 4 ? a : undefined;
    });
    expect(answer.can_send).toBe(false);
    expect(answer.reasons.map((r: { reason: string }) => r.reason)).toEqual(['not_registered', 'restricted', 'disconnected', 'quality_low']);
    expect(answer.restriction).toMatchObject({ event: 'ACCOUNT_RESTRICTION', types: ['RESTRICTED_BIZ_INITIATED_MESSAGING'], until: expect.any(String) });
    const foreign = await api(other, 'GET', `/v1/numbers/${s.numberId}/health`);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'not_found']);
    h.simulator.admin.clearFaults();
  });
});
