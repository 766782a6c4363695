/** Counted limits under concurrency: prepaid credit (1,000 parallel sends for 500 → exactly 500, zero ledger drift), the messaging limit, spam control. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, template } from '../helpers/controls.js';
import { startDispatchHarness, type DispatchHarness } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
beforeAll(async () => {
  h = await startDispatchHarness({ dispatcher: { idlePollMs: 10 } });
});
afterAll(() => h.close());

describe('concurrent sends against prepaid credit', () => {
  it('accepts exactly as many as the balance covers, never goes negative, and the ledger sums to the balance', async () => {
    const s = await h.createSender({ mps: 1000 });
    await admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount: 500, note: 'for 500 messages' });
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => call(h, s.key, 'POST', '/v1/messages', template(`49176${String(20_000_000 + i)}`))),
    );
    const elapsed = Date.now() - started;
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 402);
    expect(accepted).toHaveLength(500);
    expect(refused).toHaveLength(500);
    expect(new Set(refused.map((a) => a.body.code))).toEqual(new Set(['insufficient_credit']));

    const atAccept = await admin(h, 'GET', `/v1/admin/accounts/${s.accountId}/ledger?limit=10000`);
    expect(atAccept.body).toMatchObject({ balance: 0, ledger_sum: 0, drift: 0 });
    expect(atAccept.body.data.filter((e: { kind: string }) => e.kind === 'reserve')).toHaveLength(500);

    // Dispatch settles every reservation on `sent`; the balance and the ledger still agree.
    await h.waitForStatus(s, accepted.map((a) => String(a.body.id)), ['sent', 'delivered', 'read'], 60_000);
    const settled = await h.waitFor(async () => {
      const l = await admin(h, 'GET', `/v1/admin/accounts/${s.accountId}/ledger?limit=10000`);
      return l.body.data.filter((e: { kind: string }) => e.kind === 'settle').length === 500 ? l : undefined;
    }, 30_000);
    expect(settled.body).toMatchObject({ balance: 0, ledger_sum: 0, drift: 0 });
    const kinds = settled.body.data.reduce((acc: Record<string, number>, e: { kind: string }) => ({ ...acc, [e.kind]: (acc[e.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ topup: 1, reserve: 500, settle: 500 });
    console.log(`1,000 parallel sends against credit for 500: ${accepted.length} accepted, ${refused.length} refused in ${elapsed} ms`);
  }, 120_000);
});

describe('concurrent sends against counted limits', () => {
  it('lets exactly the messaging tier of new recipients through when 300 template sends race for 250 slots', async () => {
    const s = await h.createSender({ mps: 1000 });
    await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}/controls`, { messaging_tier: 250 });
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => call(h, s.key, 'POST', '/v1/messages', template(`49177${String(30_000_000 + i)}`))),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(250);
    expect(answers.filter((a) => a.status === 429).map((a) => a.body.code)).toEqual(Array(50).fill('messaging_limit_reached'));
  }, 60_000);

  it('lets exactly the spam threshold of recipients get the same text when 60 sends race for 20', async () => {
    const s = await h.createSender({ mps: 1000 });
    await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}/controls`, { spam_threshold: 20 });
    const recipients = Array.from({ length: 60 }, (_, i) => `49178${String(40_000_000 + i)}`);
    for (const to of recipients) await h.gateway.store.recordInbound(s.numberId, to, Date.now());
    const answers = await Promise.all(recipients.map((to) => call(h, s.key, 'POST', '/v1/messages', { to, type: 'text', text: { body: 'Flash sale!' } })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 429).map((a) => a.body.code)).toEqual(Array(40).fill('spam_control_threshold_exceeded'));
  }, 60_000);
});
