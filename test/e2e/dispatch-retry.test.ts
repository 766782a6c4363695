import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE } from '../../src/domain/retry-policy.js';
import { DEFAULT_RATE_PERMIT_CONFIG } from '../../src/dispatch/rate-permit.js';
import { startDispatchHarness, type DispatchHarness } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
let recipient = 0;
const nextRecipient = () => `4915${String(20_000_000 + (recipient += 1))}`;

beforeAll(async () => {
  h = await startDispatchHarness({
    dispatcher: {
      retry: { ...DEFAULT_RETRY_SCHEDULE, baseMs: 100, capMs: 400, maxAttempts: 6, defaultHoldMs: 300, maxHoldMs: 600 },
      breaker: { failuresToOpen: 5, probeIntervalMs: 250 },
    },
    permits: { ...DEFAULT_RATE_PERMIT_CONFIG, slowForMs: 1500 },
  });
});
afterAll(() => h.close());

const callTimes = (to: string) => h.upstreamSends().filter((r) => (r.body as { to?: string } | undefined)?.to === to).map((r) => r.at);

describe('dispatch through the catalog', () => {
  it('sends an accepted message once and follows its statuses to read', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['read']);
    const message = await h.message(sender, id);
    expect(message.wamid).toMatch(/^wamid\./);
    expect(Object.keys(message.timestamps as object)).toEqual(expect.arrayContaining(['accepted', 'sent', 'delivered', 'read']));
    expect(callTimes(to)).toHaveLength(1);
  });

  it('retries a transient error with backoff until it goes through', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.addFault({ error: 131000, count: 2, match: { to } });
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['sent', 'delivered', 'read']);
    const times = callTimes(to);
    expect(times).toHaveLength(3);
    // Full jitter: each wait is between 0 and the step (100 ms, then 200 ms), plus the loop's own latency.
    expect(times[2]! - times[0]!).toBeLessThan(300 + 250);
  });

  it('fails a transient error after its attempts run out, keeping the error', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.addFault({ error: 131016, count: 50, match: { to } });
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['failed']);
    expect(callTimes(to)).toHaveLength(6);
    expect((await h.message(sender, id)).error).toMatchObject({ namespace: 'meta', code: 131016 });
  });

  it('fails a request error at once, with one call and its catalog entry', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.addFault({ error: 132000, count: 1, match: { to } });
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['failed']);
    expect(callTimes(to)).toHaveLength(1);
    expect((await h.message(sender, id)).error).toMatchObject({ namespace: 'meta', code: 132000 });
  });

  it('waits the throttling hint before trying a throttled message again', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.addFault({ error: 130429, count: 1, match: { to } });
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['sent', 'delivered', 'read']);
    const times = callTimes(to);
    expect(times).toHaveLength(2);
    // 130429's hint is 1 s; jitter adds up to 20 %.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(times[1]! - times[0]!).toBeLessThan(1200 + 300);
  });

  it('slows a throttled number down and lets it recover', async () => {
    const sender = await h.createSender({ mps: 40 });
    const first = nextRecipient();
    h.simulator.admin.addFault({ error: 130429, count: 1, match: { to: first } });
    await h.sendTemplate(sender, first);
    await h.waitFor(() => callTimes(first).length >= 1 || undefined);
    const throttledAt = callTimes(first)[0]!;
    // Accepted together, so a backlog waits for the number's pace however slowly this machine answers requests.
    const recipients = Array.from({ length: 120 }, () => nextRecipient());
    const ids = await Promise.all(recipients.map((to) => h.sendTemplate(sender, to)));
    await h.waitForStatus(sender, ids, ['sent', 'delivered', 'read'], 20_000);
    const sends = h.upstreamSends(sender).map((r) => r.at);
    const inWindow = (from: number, to: number) => sends.filter((t) => t >= from && t < to).length;
    // While slowed (1.5 s) the pace is half of 40 × 0.96; afterwards it is back to full pace.
    expect(inWindow(throttledAt + 100, throttledAt + 1100)).toBeLessThanOrEqual(22);
    const recoveredFrom = throttledAt + 1600;
    const busiestSecondAfterRecovery = Math.max(0, ...sends.filter((t) => t >= recoveredFrom).map((t) => inWindow(t, t + 1000)));
    expect(busiestSecondAfterRecovery).toBeGreaterThanOrEqual(32);
  });

  it('parks the number on a wait error and sends again once the wait is over', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.addFault({ error: 131057, count: 1, match: { to } });
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['sent', 'delivered', 'read']);
    const times = callTimes(to);
    expect(times).toHaveLength(2);
    // 131057 hints 60 s; the test caps holds at 600 ms.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(550);
  });
});
