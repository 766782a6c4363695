/**
 * Admission, credit and the stored counts decide in one transaction: a send refused for credit, or a batch refused as a
 * whole, uses no spam-control or messaging-limit slot, and 1,000 racing sends leave counts and ledger exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, template, text, type Answer } from '../helpers/controls.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
beforeAll(async () => {
  // Accept only: a dispatcher would refund texts the simulator refuses and so move the balance during the race.
  h = await startDispatchHarness({ withoutDispatcher: true });
});
afterAll(() => h.close());

let serial = 0;
/** Fresh recipients per call, so no two tests share one. */
function recipients(count: number): string[] {
  serial += 1;
  return Array.from({ length: count }, (_, i) => `49179${String(serial * 10_000 + i).padStart(8, '0')}`);
}

const topUp = (s: Sender, amount: number) => admin(h, 'POST', `/v1/admin/accounts/${s.accountId}/credit`, { amount, note: 'test' });

async function senderWith(controls: Record<string, unknown>, credit: number): Promise<Sender> {
  const s = await h.createSender({ mps: 1000 });
  expect((await admin(h, 'PATCH', `/v1/admin/accounts/${s.accountId}/controls`, controls)).status).toBe(200);
  expect((await topUp(s, credit)).status).toBe(201);
  return s;
}

const sendAll = (s: Sender, bodies: unknown[]) => Promise.all(bodies.map((b) => call(h, s.key, 'POST', '/v1/messages', b)));
const statuses = (answers: Answer[]) => answers.map((a) => a.status).sort();

async function openWindows(s: Sender, to: readonly string[]): Promise<void> {
  for (const r of to) await h.gateway.store.recordInbound(s.numberId, r, Date.now());
}

describe('a send refused for credit', () => {
  it('uses no messaging-limit slot', async () => {
    const s = await senderWith({ messaging_tier: 250 }, 1);
    const first = await sendAll(s, recipients(50).map((to) => template(to)));
    expect(statuses(first)).toEqual([202, ...Array(49).fill(402)]);
    await topUp(s, 1000);
    // One recipient is counted, so 249 more new ones fit the tier of 250, and the next one does not.
    const next = await sendAll(s, recipients(249).map((to) => template(to)));
    expect(statuses(next)).toEqual(Array(249).fill(202));
    const over = await sendAll(s, recipients(1).map((to) => template(to)));
    expect(over.map((a) => [a.status, a.body.code])).toEqual([[429, 'messaging_limit_reached']]);
  }, 60_000);

  it('uses no spam-control slot', async () => {
    const s = await senderWith({ spam_threshold: 3 }, 1);
    const to = recipients(7);
    await openWindows(s, to);
    const first = await sendAll(s, to.slice(0, 5).map((r) => text(r, 'Same words')));
    expect(statuses(first)).toEqual([202, 402, 402, 402, 402]);
    await topUp(s, 100);
    const next = await sendAll(s, to.slice(5).map((r) => text(r, 'Same words')));
    expect(statuses(next)).toEqual([202, 202]);
  }, 60_000);
});

describe('a batch refused as a whole', () => {
  it('uses no messaging-limit slot', async () => {
    const s = await senderWith({ messaging_tier: 250 }, 2);
    const [a, b, c, d] = recipients(4);
    const batches = await Promise.all(
      [[a, b], [c, d]].map((pair) => call(h, s.key, 'POST', '/v1/messages/batch', { messages: pair.map((to) => template(to!)) })),
    );
    // One batch took the whole balance; the other was refused item by item, all of its items for credit.
    expect(batches.map((r) => [r.status, r.body.accepted]).sort()).toEqual([[200, 0], [202, 2]]);
    const refused = batches.find((r) => r.status === 200)!;
    expect(refused.body.results.map((r: { error: { code: string } }) => r.error.code)).toEqual(['insufficient_credit', 'insufficient_credit']);
    await topUp(s, 1000);
    // Two recipients are counted, so 248 more fit the tier of 250.
    const next = await call(h, s.key, 'POST', '/v1/messages/batch', { messages: recipients(249).map((to) => template(to)) });
    expect([next.status, next.body.accepted]).toEqual([202, 248]);
    expect(next.body.results[248].error.code).toBe('messaging_limit_reached');
  }, 60_000);
});

describe('1,000 concurrent sends against credit, spam control and the messaging limit', () => {
  // Credit for 400 against limits of 250 texts and 250 templates: either rule may be the one that refuses a send.
  it('accepts what the balance covers, counts only accepted sends, and leaves no ledger drift', async () => {
    const s = await senderWith({ spam_threshold: 250, messaging_tier: 250 }, 400);
    const textTo = recipients(500);
    const templateTo = recipients(500);
    await openWindows(s, textTo);
    const bodies = textTo.flatMap((to, i) => [text(to, 'Flash sale!'), template(templateTo[i]!)]);
    const answers = await sendAll(s, bodies);
    const acceptedTexts = answers.filter((a, i) => i % 2 === 0 && a.status === 202).length;
    const acceptedTemplates = answers.filter((a, i) => i % 2 === 1 && a.status === 202).length;
    expect(acceptedTexts + acceptedTemplates).toBe(400);
    expect(acceptedTexts).toBeLessThanOrEqual(250);
    expect(acceptedTemplates).toBeLessThanOrEqual(250);
    const codes = new Set(answers.filter((a) => a.status !== 202).map((a) => a.body.code));
    expect([...codes].every((c) => ['insufficient_credit', 'spam_control_threshold_exceeded', 'messaging_limit_reached'].includes(c))).toBe(true);

    const ledger = await admin(h, 'GET', `/v1/admin/accounts/${s.accountId}/ledger?limit=10000`);
    expect(ledger.body).toMatchObject({ balance: 0, ledger_sum: 0, drift: 0 });
    expect(ledger.body.data.filter((e: { kind: string }) => e.kind === 'reserve')).toHaveLength(400);

    // Only accepted sends were counted: exactly the rest of each limit is still free.
    await topUp(s, 1000);
    const moreTexts = recipients(251 - acceptedTexts);
    await openWindows(s, moreTexts);
    const texts = await sendAll(s, moreTexts.map((to) => text(to, 'Flash sale!')));
    expect(texts.filter((a) => a.status === 202)).toHaveLength(250 - acceptedTexts);
    expect(texts.filter((a) => a.status === 429).map((a) => a.body.code)).toEqual(['spam_control_threshold_exceeded']);
    const templates = await sendAll(s, recipients(251 - acceptedTemplates).map((to) => template(to)));
    expect(templates.filter((a) => a.status === 202)).toHaveLength(250 - acceptedTemplates);
    expect(templates.filter((a) => a.status === 429).map((a) => a.body.code)).toEqual(['messaging_limit_reached']);
    const after = await admin(h, 'GET', `/v1/admin/accounts/${s.accountId}/ledger?limit=10000`);
    expect(after.body.drift).toBe(0);
  }, 120_000);
});
