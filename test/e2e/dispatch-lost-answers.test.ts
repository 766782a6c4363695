/**
 * Answers lost on the way back from Meta, and how fast a number drains after the upstream comes back: a call whose
 * request was written is never sent again while its status webhook may still come, the statuses that do come move
 * the message from wherever it waits, and what waited for the upstream or a maintenance window flows at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE } from '../../src/domain/retry-policy.js';
import { startDispatchHarness, type DispatchHarness } from '../helpers/dispatch-harness.js';

const GRACE_MS = 1500;
let h: DispatchHarness;
let recipient = 0;
const nextRecipient = () => `4917${String(40_000_000 + (recipient += 1))}`;

beforeAll(async () => {
  h = await startDispatchHarness({
    gateway: { upstreamTimeoutMs: 300 },
    dispatcher: {
      recoveryGraceMs: GRACE_MS,
      // Long backoffs: a message that waits out its own after an outage is plainly late.
      retry: { ...DEFAULT_RETRY_SCHEDULE, baseMs: 8_000, capMs: 30_000, maxAttempts: 50, waitProbeMs: 300 },
      breaker: { failuresToOpen: 3, probeIntervalMs: 250 },
    },
  });
});
afterAll(() => h.close());

const callsTo = (to: string) => h.upstreamSends().filter((r) => (r.body as { to?: string } | undefined)?.to === to);

describe('a lost answer', () => {
  it.each([
    ['answers past the client timeout', { answer: 'late', delayMs: 2_000 }],
    ['resets the connection', { answer: 'reset' }],
  ] as const)('is not sent again when Meta accepted it and %s: its statuses settle it and reach the customer', async (_, broken) => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.addFault({ match: { to }, count: 1, ...broken });
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['read'], 10_000);
    // Past the grace period too: the job was settled by the statuses, not sent again when the grace ran out.
    await new Promise((r) => setTimeout(r, GRACE_MS + 500));
    expect(callsTo(to).map((r) => r.status)).toEqual([200]);
    expect((await h.message(sender, id)).status).toBe('read');
    // Meta's status webhooks may arrive in any order under load; each status is reported once.
    expect((await h.eventsOf(id)).sort()).toEqual(['message.accepted', 'message.delivered', 'message.read', 'message.sent']);
  });

  it('is sent again, once, after the grace period when no status webhook came', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.addFault({ match: { to }, count: 1, answer: 'reset', accepted: false });
    const id = await h.sendTemplate(sender, to);
    // Full jitter over an 8 s step may draw more than the grace period.
    await h.waitForStatus(sender, [id], ['read'], 15_000);
    const calls = callsTo(to);
    expect(calls.map((r) => r.status)).toEqual([0, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(GRACE_MS - 50);
  });
});

describe('after the upstream comes back', () => {
  it('sends what failed during an outage at once, not each after its own backoff', async () => {
    const sender = await h.createSender({ mps: 200 });
    h.simulator.admin.startOutage({ status: 503, body: 'html' });
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await h.sendTemplate(sender, nextRecipient()));
    await h.waitFor(() => h.upstreamSends(sender).length >= 3 || undefined);
    await new Promise((r) => setTimeout(r, 1_000));
    h.simulator.admin.endOutage();
    const endedAt = Date.now();
    await h.waitForStatus(sender, ids, ['sent', 'delivered', 'read'], 20_000);
    const lastCall = Math.max(...h.upstreamSends(sender).map((r) => r.at));
    // One probe interval to notice, then the number's pace (200 msg/s); backoffs drawn from up to 8 s would not fit.
    expect(lastCall - endedAt).toBeLessThan(1_500);
  });

  it('probes a number in maintenance with one call at a time, and releases the rest when a probe goes through', async () => {
    const sender = await h.createSender();
    h.simulator.admin.updatePhoneNumber(sender.phoneNumberId, { maintenance: true });
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await h.sendTemplate(sender, nextRecipient()));
    await h.waitFor(() => h.upstreamSends(sender).length >= 1 || undefined);
    await new Promise((r) => setTimeout(r, 1_500));
    const duringMaintenance = h.upstreamSends(sender).length;
    h.simulator.admin.updatePhoneNumber(sender.phoneNumberId, { maintenance: false });
    const endedAt = Date.now();
    await h.waitForStatus(sender, ids, ['sent', 'delivered', 'read'], 20_000);
    // The first call, then one probe per 300 ms (and the loop's own latency); never the whole queue at once.
    expect(duringMaintenance).toBeLessThanOrEqual(1 + 1_500 / 300 + 1);
    expect(Math.max(...h.upstreamSends(sender).map((r) => r.at)) - endedAt).toBeLessThan(1_000);
  });
});
