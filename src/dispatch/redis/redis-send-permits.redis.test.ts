import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisSuiteRuns, startOwnRedis, TEST_REDIS_URL, uniqueRedisPrefix, type OwnRedis } from '../../../test/helpers/redis-server.js';
import { openRedis, type RedisConnection } from '../../runtime/redis.js';
import { DEFAULT_RATE_PERMIT_CONFIG } from '../rate-permit.js';
import { describeSendPermitsConformance } from '../send-permits.conformance.js';
import { RedisSendPermits } from './redis-send-permits.js';

const runs = await redisSuiteRuns();
const reason = `the test Redis (${TEST_REDIS_URL}) does not answer; CI runs this suite`;

describe.skipIf(!runs)(`Redis send permits (skipped when ${reason})`, () => {
  describeSendPermitsConformance('redis', async () => {
    const connections: RedisConnection[] = [];
    const prefix = uniqueRedisPrefix();
    return {
      make(config) {
        const connection = openRedis(TEST_REDIS_URL);
        connections.push(connection);
        return new RedisSendPermits({ client: connection.client, prefix, config });
      },
      advance: (ms) => sleep(ms),
      dispose: async () => void (await Promise.all(connections.map((c) => c.close()))),
    };
  });

  describe('two processes sharing one Redis', () => {
    const prefix = uniqueRedisPrefix();
    const connections = [openRedis(TEST_REDIS_URL), openRedis(TEST_REDIS_URL)];
    const [first, second] = connections.map((c) => new RedisSendPermits({ client: c.client, prefix, config: DEFAULT_RATE_PERMIT_CONFIG })) as [RedisSendPermits, RedisSendPermits];
    afterAll(() => Promise.all(connections.map((c) => c.close())));

    it('never together exceed a number\'s pace', async () => {
      // 20 msg/s at 96 %: one permit per 52.1 ms and no burst, whoever asks.
      const runMs = 2_000;
      const startedAt = Date.now();
      let recipient = 0;
      const askFor = async (permits: RedisSendPermits): Promise<number> => {
        let grants = 0;
        while (Date.now() - startedAt < runMs) {
          const [answer] = await permits.take('num_shared', 20, [`r${(recipient += 1)}`]);
          if (answer?.granted) grants += 1;
          else await sleep(Math.min(answer?.waitMs ?? 5, 20));
        }
        return grants;
      };
      const [a, b] = await Promise.all([askFor(first), askFor(second)]);
      const elapsed = Date.now() - startedAt;
      // One limit shared: at most one permit per interval over the run (plus the first), alone each would get as many.
      expect(a + b).toBeLessThanOrEqual(Math.floor(elapsed / (1000 / (20 * 0.96))) + 1);
      // And the pace is used: a busy machine may make both ask late, so only well over half of it is asserted.
      expect(a + b).toBeGreaterThanOrEqual(Math.floor(runMs / (1000 / (20 * 0.96)) * 0.6));
      expect(a).toBeGreaterThan(3);
      expect(b).toBeGreaterThan(3);
    });

    it('leave only keys that expire, so idle numbers and pairs leave nothing behind', async () => {
      await first.take('num_idle', 80, ['alice', 'bob']);
      await first.slowDown('num_idle');
      await first.claimCallSlot('num_idle', 80);
      const keys = await connections[0]!.client.keys(`${prefix}permits:{num_idle}:*`);
      // The pace key lives one interval (25 ms at 80 per second): a busy machine may list the keys after it is gone.
      const kinds = keys.map((key) => key.slice(`${prefix}permits:{num_idle}:`.length)).sort();
      expect(kinds.filter((kind) => kind !== 'pace')).toEqual(['calls', 'pair:alice', 'pair:bob', 'slow']);
      const ttls = await Promise.all(keys.map((key) => connections[0]!.client.pttl(key)));
      for (const ttl of ttls) expect(ttl).toBeGreaterThan(0);
      expect(Math.max(...ttls)).toBeLessThanOrEqual(DEFAULT_RATE_PERMIT_CONFIG.slowForMs);
    });

    it('share one call cap', async () => {
      // 5 msg/s: 4 calls in any second, between both of them.
      const waits = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second).claimCallSlot('num_calls', 5)));
      expect(waits.filter((w) => w === 0)).toHaveLength(4);
    });
  });

  describe('an outage of Redis', () => {
    let own: OwnRedis;
    let connection: RedisConnection;
    let permits: RedisSendPermits;
    beforeAll(async () => {
      own = await startOwnRedis();
      connection = openRedis(own.url, { commandTimeoutMs: 300, maxReconnectDelayMs: 200 });
      permits = new RedisSendPermits({ client: connection.client, prefix: uniqueRedisPrefix(), config: DEFAULT_RATE_PERMIT_CONFIG });
    });
    afterAll(async () => {
      await connection?.close();
      await own?.stop();
    });

    it('grants nothing while Redis is down, says why, and grants again once it is back, with the same objects', async () => {
      expect(await permits.take('num_1', 80, ['alice'])).toEqual([{ granted: true }]);
      await own.stop();
      expect(await permits.take('num_1', 80, ['bob', 'carol'])).toEqual([{ granted: false, limitedBy: 'unavailable', waitMs: expect.any(Number) }]);
      expect(await permits.claimCallSlot('num_1', 80)).toBeGreaterThan(0);
      const health = await connection.health();
      expect(health.ok).toBe(false);
      expect(health).toMatchObject({ reason: expect.stringContaining('Redis') });
      expect(permits.status()).toMatchObject({ ok: false, reason: expect.any(String) });
      await own.start();
      let answer = await permits.take('num_1', 80, ['bob']);
      for (const deadline = Date.now() + 10_000; !answer[0]?.granted && Date.now() < deadline; answer = await permits.take('num_1', 80, ['bob'])) await sleep(100);
      expect(answer).toEqual([{ granted: true }]);
      expect(await permits.claimCallSlot('num_1', 80)).toBe(0);
      expect(await connection.health()).toEqual({ ok: true });
      expect(permits.status()).toEqual({ ok: true });
    });
  });
});
