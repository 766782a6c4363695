/**
 * Redis restarted under load: an api and two worker processes share one PostgreSQL schema and a test-owned
 * `redis-server` (no persistence: it comes back empty), which is killed mid-run and started again on its port. Dispatch
 * pauses while Redis is away (a send without its shared permit could break the number's rate), nothing is lost or sent
 * twice, no one-second window at the simulator exceeds the number's rate, and dispatch resumes by itself.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { TEST_POSTGRES_URL } from '../helpers/postgres-server.js';
import { runSchemaPrefix } from '../helpers/test-database.js';
import { createTenant, finished, messageStatuses, sendBatches, startFleet, until, type Fleet } from './gateway-fleet.js';
import { missingPrerequisites, skipReason } from './owned-servers.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { acceptedSendTimes, duplicateCount, busiestSecond, callTimesPerNumber } from './send-figures.js';
import { spawnSimulator, type SimulatorProcess } from './simulator-process.js';

/** Low enough that the machine could send faster: a rate kept per process instead of shared would show. */
const MESSAGES = 1_000;
const MPS = 50;
const OUTAGE_MS = 3_000;
/** Calls already granted when Redis went away may still arrive this long after. */
const SETTLE_MS = 1_000;
const TITLE = 'Redis restarted while two workers dispatch';
const missing = await missingPrerequisites(['postgres', 'redis-server'], inject('postgres').reachable);

describe.skipIf(skipReason(TITLE, missing))('scale: Redis restart', () => {
  let redis: OwnRedis | undefined;
  let simulator: SimulatorProcess | undefined;
  let fleet: Fleet | undefined;
  afterAll(async () => {
    await fleet?.dispose();
    await simulator?.stop();
    await redis?.stop();
  });

  it(TITLE, async () => {
    redis = await startOwnRedis();
    simulator = await spawnSimulator({ recordLimit: 4 * MESSAGES, statusDelaysMs: { sent: 0, delivered: 20, read: -1 } });
    fleet = await startFleet(simulator, { postgresUrl: TEST_POSTGRES_URL, schemaPrefix: runSchemaPrefix(inject('testRunId')), redisUrl: redis.url, roles: ['api', 'worker', 'worker'] });
    const tenant = await createTenant(simulator, fleet.url(0), [MPS]);
    const number = tenant.numbers[0]!;
    // Offered at twice the number's rate for ten seconds, so both workers claim a share of its backlog.
    const sending = sendBatches(fleet.acceptingUrls(), tenant.key, Array.from({ length: MESSAGES }, () => number.id), 50_000_000, { batch: 25, lanes: 1, pauseMs: 250 });
    const databaseUrl = fleet.databaseUrl;
    await until(async () => finished(await messageStatuses(databaseUrl)) >= MESSAGES / 4, 60_000, 100);
    await redis.stop();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await redis.start();
    const restartedAt = Date.now();
    const accepted = await sending;
    expect(accepted.size).toBe(MESSAGES);
    await until(async () => finished(await messageStatuses(databaseUrl)) >= MESSAGES, 90_000, 500);

    const requests = await simulator.requests();
    const sends = acceptedSendTimes(requests);
    const calls = (from: number, until_ = Infinity) => callTimesPerNumber(requests, from, until_).get(number.phoneNumberId) ?? [];
    const busiest = busiestSecond(calls(0));
    const figures = {
      messages: MESSAGES,
      lost: [...accepted.keys()].filter((id) => !sends.has(id)).length,
      duplicates: duplicateCount(sends),
      busiestSecond: busiest.calls,
      busiestFromRestartMs: busiest.from - restartedAt,
      callsWhileDown: calls(stoppedAt + SETTLE_MS, restartedAt).length,
      callsAfterRestart: calls(restartedAt).length,
    };
    console.log(`[scale] ${TITLE}: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}`);

    expect(fleet.unexpectedExits()).toEqual([]);
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBe(0);
    expect(figures.callsAfterRestart).toBeGreaterThan(0);
    // What the shared limits in Redis promise: one rate across both workers, and no send without a permit.
    expect.soft(figures.busiestSecond, `busiest second of the ${MPS} msg/s number`).toBeLessThanOrEqual(MPS);
    expect.soft(figures.callsWhileDown, 'sends while Redis was down').toBe(0);
  }, 180_000);
});
