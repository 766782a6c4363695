/**
 * Account controls end to end over real sockets (API → preflight or dispatch → simulator): expiry, disabling,
 * request quotas, prepaid credit and prices, spam control, blocked paths, API switch, messaging limits, routing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, nextRecipient, template, text } from '../helpers/controls.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
beforeAll(async () => {
  h = await startDispatchHarness({ dispatcher: { idlePollMs: 10 } });
});
afterAll(() => h.close());

const controls = (s: Sender, body: unknown) => admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}/controls`, body);
const send = (s: Sender, body: unknown) => call(h, s.key, 'POST', '/v1/messages', body);
/** The contact writes to the sender (through the simulator, so Meta's window opens too): free-form text may follow. */
async function openWindow(s: Sender, to: string): Promise<void> {
  await h.simulator.admin.sendInbound({ phoneNumberId: s.phoneNumberId, from: to, text: 'hi' });
  await h.waitFor(async () => (await h.gateway.store.getLastInbound(s.numberId, to)) !== null);
}

describe('account standing (seed 001 codes 3 and 4)', () => {
  it('answers account_expired (403) once the expiry date passed', async () => {
    const s = await h.createSender();
    await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}`, { expires_at: new Date(Date.now() - 1000).toISOString() });
    await new Promise((r) => setTimeout(r, 1100)); // the account cache lives a second
    const res = await send(s, template(nextRecipient()));
    expect([res.status, res.body.code]).toEqual([403, 'account_expired']);
  });

  it('answers account_disabled (403) for a disabled account', async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/disable`);
    const res = await send(s, template(nextRecipient()));
    expect([res.status, res.body.code]).toEqual([403, 'account_disabled']);
  });
});

describe('request quotas (seed 000 "Rate limit exceeded", seed 001 code 5, seed 002 "Usage Limit")', () => {
  it('"1 request every N seconds": 429 rate_limited with Retry-After and RateLimit headers', async () => {
    const s = await h.createSender();
    await controls(s, { request_interval_seconds: 30 });
    const first = await call(h, s.key, 'GET', '/v1/templates');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('1;w=30');
    const second = await call(h, s.key, 'GET', '/v1/templates');
    expect([second.status, second.body.code]).toEqual([429, 'rate_limited']);
    expect(second.body.detail).toContain('1 request every 30 seconds');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(25);
    expect(second.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('requests per minute: the (n+1)th request in a minute is refused', async () => {
    const s = await h.createSender();
    await controls(s, { requests_per_minute: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(h, s.key, 'GET', '/v1/opt-outs')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('prepaid credit (seed 001 codes 6 and 7, seed 002 402 payment errors)', () => {
  it('refuses a send the balance cannot cover with insufficient_credit (402)', async () => {
    const s = await h.createSender();
    await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}`, { credit: 0 });
    const res = await send(s, template(nextRecipient()));
    expect([res.status, res.body.code]).toEqual([402, 'insufficient_credit']);
  });

  it('moves a balance set through the admin API through the ledger, so the ledger always sums to it', async () => {
    const s = await h.createSender();
    await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}`, { credit: 50 });
    await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}`, { credit: 20 });
    expect(await h.gateway.store.credit.balance(s.accountId)).toBe(20);
    expect(await h.gateway.store.credit.ledgerSum(s.accountId)).toBe(20);
    expect((await h.gateway.store.credit.listLedger(s.accountId, 10)).map((e) => [e.kind, e.amount]).sort()).toEqual([['adjust', -30], ['adjust', 50]]);
  });

  it('refuses every send once the prepaid period expired (prepaid_expired, 402), whatever the balance', async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 100 });
    await controls(s, { prepaid_expires_at: new Date(Date.now() - 1).toISOString() });
    const res = await send(s, template(nextRecipient()));
    expect([res.status, res.body.code]).toEqual([402, 'prepaid_expired']);
  });

  it('charges by category and country, reserves at accept, settles on sent, and keeps the ledger equal to the balance', async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 100, note: 'first top-up' });
    await admin(h, 'PUT', `/v1/admin/accounts/${s.accountId}/prices`, {
      prices: [{ category: 'utility', country: 'DE', price: 7 }, { category: 'utility', price: 3 }, { category: 'service', price: 1 }],
    });
    const de = await send(s, template(nextRecipient())); // hello_world is recorded nowhere yet: billed as utility
    const us = await send(s, template('12025550123'));
    const to = nextRecipient();
    await openWindow(s, to);
    const service = await send(s, text(to));
    expect([de.status, us.status, service.status]).toEqual([202, 202, 202]);
    // A status webhook can overtake the dispatcher's own record of `sent`; the settle rows come with the latter. The
    // reply inside the window is free_customer_service in Meta's pricing: its reservation comes back as a `free` row.
    const ledger = await h.waitFor(async () => {
      const l = await admin(h, 'GET', `/v1/admin/accounts/${s.accountId}/ledger`);
      const count = (kind: string) => l.body.data.filter((e: { kind: string }) => e.kind === kind).length;
      return count('settle') === 3 && count('free') === 1 ? l : undefined;
    });
    expect(ledger.body).toMatchObject({ balance: 100 - 7 - 3 - 1 + 1, ledger_sum: 90, drift: 0 });
    const kinds = ledger.body.data.map((e: { kind: string; amount: number }) => `${e.kind}:${e.amount}`).sort();
    expect(kinds).toEqual(['free:1', 'reserve:-1', 'reserve:-3', 'reserve:-7', 'settle:0', 'settle:0', 'settle:0', 'topup:100']);
  });

  it('refunds the reservation when the upstream fails the message before sending (131042 payment issue)', async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 10 });
    h.simulator.admin.addFault({ match: { phoneNumberId: s.phoneNumberId }, error: 131042, arrives: 'sync' });
    const res = await send(s, template(nextRecipient()));
    expect(res.status).toBe(202);
    await h.waitForStatus(s, [res.body.id], ['failed']);
    const message = await h.message(s, res.body.id);
    expect(message.error).toMatchObject({ namespace: 'meta', code: 131042 });
    const ledger = await admin(h, 'GET', `/v1/admin/accounts/${s.accountId}/ledger`);
    expect(ledger.body).toMatchObject({ balance: 10, ledger_sum: 10, drift: 0 });
    expect(ledger.body.data.map((e: { kind: string }) => e.kind).sort()).toEqual(['refund', 'reserve', 'topup']);
    h.simulator.admin.clearFaults();
  });

  it('refuses a correction that would make the balance negative', async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 5 });
    const res = await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: -6 });
    expect([res.status, res.body.code]).toEqual([400, 'invalid_request']);
  });
});

describe('spam control (seed 001 code 19)', () => {
  it('refuses the same text to more recipients a day than the threshold, but not a repeat to the same one', async () => {
    const s = await h.createSender();
    await controls(s, { spam_threshold: 2 });
    const [a, b, c] = [nextRecipient(), nextRecipient(), nextRecipient()];
    for (const to of [a, b, c]) await openWindow(s, to);
    expect((await send(s, text(a, 'Big sale today'))).status).toBe(202);
    expect((await send(s, text(b, 'big   SALE today'))).status).toBe(202);
    const third = await send(s, text(c, 'Big sale today'));
    expect([third.status, third.body.code]).toEqual([429, 'spam_control_threshold_exceeded']);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send(s, text(a, 'Big sale today'))).status).toBe(202);
    expect((await send(s, text(c, 'Your order shipped'))).status).toBe(202);
  });
});

describe('blocked paths and the WhatsApp API switch (seed 002)', () => {
  it('answers 403 path_blocked on a blocked path and leaves the others alone', async () => {
    const s = await h.createSender();
    await controls(s, { blocked_paths: ['POST /v1/messages', '/v1/contacts*'] });
    const blocked = await send(s, template(nextRecipient()));
    expect([blocked.status, blocked.body.code]).toEqual([403, 'path_blocked']);
    expect(blocked.body.detail).toContain('/v1/messages');
    expect((await call(h, s.key, 'POST', '/v1/contacts/check', { contacts: [nextRecipient()] })).status).toBe(403);
    expect((await call(h, s.key, 'GET', '/v1/messages')).status).toBe(200);
  });

  it('blocks the route the router chose, however its path is percent-encoded, and creates nothing', async () => {
    const s = await h.createSender();
    await controls(s, { blocked_paths: ['GET /v1/credit', 'POST /v1/templates', '/v1/media*'] });
    for (const [method, path] of [['GET', '/v1/%63redit'], ['GET', '/v1/credit'], ['HEAD', '/v1/%63redit'], ['POST', '/v1/%74emplates'], ['POST', '/v1/%6dedia']]) {
      const res = await call(h, s.key, method!, path!, method === 'POST' ? { name: 'x_y', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi' }] } : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      if (method !== 'HEAD') expect(res.body.code).toBe('path_blocked');
    }
    const listed = await call(h, s.key, 'GET', '/v1/templates');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('x_y');
  });

  it('answers whatsapp_api_disabled (403) for sends and template creation while the API is switched off', async () => {
    const s = await h.createSender();
    await controls(s, { whatsapp_api_disabled: true });
    const res = await send(s, template(nextRecipient()));
    expect([res.status, res.body.code]).toEqual([403, 'whatsapp_api_disabled']);
    const created = await call(h, s.key, 'POST', '/v1/templates', { name: 'x_y', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello there' }] });
    expect(created.body.code).toBe('whatsapp_api_disabled');
    await controls(s, { whatsapp_api_disabled: false });
    expect((await send(s, template(nextRecipient()))).status).toBe(202);
  });
});

describe('messaging limits (seed 001 code 14)', () => {
  it('refuses template sends to a new recipient past the tier of unique recipients in 24 h, before upstream', async () => {
    const s = await h.createSender({ mps: 1000 });
    await controls(s, { messaging_tier: 250 });
    const reached: string[] = [];
    for (let i = 0; i < 250; i++) {
      const to = nextRecipient();
      const res = await send(s, template(to));
      expect(res.status).toBe(202);
      reached.push(to);
    }
    const refused = nextRecipient();
    const over = await send(s, template(refused));
    expect([over.status, over.body.code]).toEqual([429, 'messaging_limit_reached']);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(86_000);
    // A recipient already reached does not use up the limit; free-form replies inside a window are not business-initiated.
    const again = await send(s, template(reached[0]!));
    expect(again.status).toBe(202);
    const to = nextRecipient();
    await openWindow(s, to);
    const reply = await send(s, text(to));
    expect(reply.status).toBe(202);
    // Refused before upstream: the simulator never hears of that recipient, while the later sends go out.
    await h.waitForStatus(s, [again.body.id, reply.body.id], ['sent', 'delivered', 'read'], 40_000);
    expect(h.upstreamSends(s).filter((r) => (r.body as { to?: string }).to === refused)).toEqual([]);
  }, 60_000);
});

describe('routing and sessions (seed 001 codes 10 and 301)', () => {
  it('answers could_not_route when the account has no number to send from', async () => {
    const account = await admin(h, 'POST', '/v1/admin/accounts', { name: 'no number' });
    const key = await admin(h, 'POST', '/v1/admin/keys', { account_id: account.body.id });
    const res = await call(h, key.body.key, 'POST', '/v1/messages', template(nextRecipient()));
    expect([res.status, res.body.code]).toEqual([422, 'could_not_route']);
  });

  it('answers outside_service_window for free-form text to a contact who never wrote', async () => {
    const s = await h.createSender();
    const res = await send(s, text(nextRecipient()));
    expect([res.status, res.body.code]).toEqual([422, 'outside_service_window']);
  });
});

describe('GET /v1/credit', () => {
  it("shows the account its own balance, expiry, prices and ledger", async () => {
    const s = await h.createSender();
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 20, note: 'invoice 7' });
    await admin(h, 'PUT', `/v1/admin/accounts/${s.accountId}/prices`, { prices: [{ category: 'marketing', country: 'DE', price: 4 }] });
    await controls(s, { prepaid_expires_at: '2030-01-01T00:00:00.000Z' });
    const res = await call(h, s.key, 'GET', '/v1/credit');
    expect(res.body).toMatchObject({
      balance: 20, prepaid_expires_at: '2030-01-01T00:00:00.000Z', prices: [{ category: 'marketing', country: 'DE', price: 4 }],
      ledger: [{ kind: 'topup', amount: 20, note: 'invoice 7' }],
    });
  });
});
