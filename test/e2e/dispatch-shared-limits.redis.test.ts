/**
 * Dispatch with its limits in Redis: it sends at the shared pace; while Redis is away nothing is sent, the jobs stay
 * claimed and the gateway's limits say why; once Redis is back every message goes, once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatchHarness, type DispatchHarness } from '../helpers/dispatch-harness.js';
import { ownRedisRuns, startOwnRedis, uniqueRedisPrefix, type OwnRedis } from '../helpers/redis-server.js';

const runs = await ownRedisRuns();

describe.skipIf(!runs)('dispatch with shared limits in Redis (skipped when redis-server is not installed; CI runs it)', () => {
  let own: OwnRedis;
  let h: DispatchHarness;
  let recipient = 0;
  const nextRecipient = () => `4916${String(30_000_000 + (recipient += 1))}`;
  beforeAll(async () => {
    own = await startOwnRedis();
    // A short lease, renewed every 300 ms: an outage longer than it shows that waiting jobs keep their claim.
    h = await startDispatchHarness({ gateway: { redisUrl: own.url, redisPrefix: uniqueRedisPrefix() }, dispatcher: { leaseMs: 900 } });
  });
  afterAll(async () => {
    await h?.close();
    await own?.stop();
  });

  it('sends at the number\'s pace through Redis', async () => {
    const sender = await h.createSender({ mps: 10 });
    const ids = await Promise.all(Array.from({ length: 12 }, () => h.sendTemplate(sender, nextRecipient())));
    await h.waitForStatus(sender, ids, ['sent', 'delivered', 'read']);
    const times = h.upstreamSends(sender).map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(12);
    // 10 msg/s at 96 %, no burst: 12 permits span 11 intervals of 104 ms (calls reach the simulator with some jitter).
    expect(times[11]! - times[0]!).toBeGreaterThanOrEqual(1_000);
  });

  it('pauses while Redis is away, says why, and sends every message once when it is back', async () => {
    const sender = await h.createSender();
    await own.stop();
    const recipients = Array.from({ length: 5 }, () => nextRecipient());
    const ids = await Promise.all(recipients.map((to) => h.sendTemplate(sender, to)));
    await sleep(2_000);
    expect(h.upstreamSends(sender)).toHaveLength(0);
    expect(await h.gateway.limits.health()).toMatchObject({ ok: false, reason: expect.stringContaining('Redis') });
    await own.start();
    await h.waitForStatus(sender, ids, ['sent', 'delivered', 'read']);
    const sentTo = h.upstreamSends(sender).map((r) => (r.body as { to: string }).to);
    expect(sentTo.sort()).toEqual([...recipients].sort());
    expect(await h.gateway.limits.health()).toEqual({ ok: true });
  });
});
