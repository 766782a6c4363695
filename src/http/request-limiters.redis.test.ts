import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerOf, startTestGateway, type TestGateway, type TestTenant } from '../../test/helpers/gateway.js';
import { redisSuiteRuns, startOwnRedis, TEST_REDIS_URL, uniqueRedisPrefix, type OwnRedis } from '../../test/helpers/redis-server.js';
import { openRedis, type RedisConnection } from '../runtime/redis.js';
import { buildApp } from './app.js';
import { redisRequestLimiters } from './request-limiters.js';

const runs = await redisSuiteRuns();
const reason = `the test Redis (${TEST_REDIS_URL}) does not answer; CI runs this suite`;
const AUTH_FAILURES = { limit: 2, lockoutSeconds: 60 };

/** A gateway and a second app on the same store, each with its own Redis connection: two processes sharing limits. */
async function twoProcesses(redisUrl: string) {
  const prefix = uniqueRedisPrefix();
  const connections = [openRedis(redisUrl), openRedis(redisUrl)] as const;
  const gw = await startTestGateway({ app: { requestLimiters: redisRequestLimiters(connections[0].client, prefix), authFailureLimits: AUTH_FAILURES, trustProxy: true } });
  const second = await buildApp({ store: gw.store, requestLimiters: redisRequestLimiters(connections[1].client, prefix), authFailureLimits: AUTH_FAILURES, trustProxy: true, logger: false });
  const secondCall = callerOf(await second.listen({ host: '127.0.0.1', port: 0 }));
  return {
    gw,
    calls: [gw.call, secondCall] as const,
    connections,
    async close() {
      await second.close();
      await gw.close();
      await Promise.all(connections.map((c) => c.close()));
    },
  };
}

describe.skipIf(!runs)(`HTTP limits shared through Redis (skipped when ${reason})`, () => {
  describe('two processes', () => {
    let processes: Awaited<ReturnType<typeof twoProcesses>>;
    let tenant: TestTenant;
    beforeAll(async () => {
      processes = await twoProcesses(TEST_REDIS_URL);
      tenant = await processes.gw.createTenant();
    });
    afterAll(() => processes.close());
    const as = (key: string, address: string) => ({ key, headers: { 'x-forwarded-for': address } });

    it('count one account\'s quota together: the second answers 429 once the first used the points', async () => {
      await processes.gw.store.controls.setControls(tenant.accountId, { requestsPerMinute: 3 }, Date.now());
      const [first, second] = processes.calls;
      const answers = [];
      for (const call of [first, second, first, second]) answers.push(await call('GET', '/v1/numbers', as(tenant.key, '198.51.100.1')));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
      expect(answers[3]!.body).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
      await processes.gw.store.controls.setControls(tenant.accountId, { requestsPerMinute: null }, Date.now());
    });

    it('count one account\'s requests per second together', async () => {
      const limited = await processes.gw.createTenant({ account: { rate_limit_per_second: 1 } });
      const [first, second] = processes.calls;
      const answers = [await first('GET', '/v1/numbers', as(limited.key, '198.51.100.2')), await second('GET', '/v1/numbers', as(limited.key, '198.51.100.2'))];
      expect(answers.map((a) => a.status)).toEqual([200, 429]);
      expect(answers[1]!.body).toMatchObject({ code: 'rate_limited' });
    });

    it('lock an address out together once its failed keys, wherever presented, passed the limit', async () => {
      const [first, second] = processes.calls;
      const attacker = '203.0.113.7';
      expect((await first('GET', '/v1/numbers', as('sk_wrong_1', attacker))).status).toBe(401);
      expect((await second('GET', '/v1/numbers', as('sk_wrong_2', attacker))).status).toBe(401);
      await first('GET', '/v1/numbers', as('sk_wrong_3', attacker));
      const locked = await second('GET', '/v1/numbers', as(tenant.key, attacker));
      expect(locked.status).toBe(429);
      expect(locked.body).toMatchObject({ code: 'too_many_failed_auth' });
    });
  });

  describe('with Redis down', () => {
    let own: OwnRedis;
    let connection: RedisConnection;
    let gw: TestGateway;
    let tenant: TestTenant;
    beforeAll(async () => {
      own = await startOwnRedis();
      connection = openRedis(own.url, { commandTimeoutMs: 300, maxReconnectDelayMs: 200 });
      gw = await startTestGateway({ app: { requestLimiters: redisRequestLimiters(connection.client, uniqueRedisPrefix()) } });
      tenant = await gw.createTenant();
      await gw.store.controls.setControls(tenant.accountId, { requestsPerMinute: 2 }, Date.now());
    });
    afterAll(async () => {
      await gw?.close();
      await connection?.close();
      await own?.stop();
    });

    it('still answers every request, never 500, counting in this process meanwhile', async () => {
      expect((await gw.call('GET', '/v1/numbers', { key: tenant.key })).status).toBe(200);
      await own.stop();
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await gw.call('GET', '/v1/numbers', { key: tenant.key })).status);
      // The process's own count starts afresh: 2 more pass, the third is refused as the limit says.
      expect(statuses).toEqual([200, 200, 429]);
      expect((await gw.call('GET', '/v1/numbers', { key: 'sk_wrong' })).status).toBe(401);
    });
  });
});
