/**
 * PostgreSQL unreachable for a few seconds under an api and a worker process: a test-owned cluster is stopped
 * (`pg_ctl stop -m fast`) while messages wait to be dispatched, and started again. While it is down every send answers
 * 503 store_unavailable as problem+json with Retry-After (never a 500) and no process exits; once it is back, new sends
 * are accepted and every message accepted before the outage reaches the simulator, with no restart of anything.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTenant, finished, messageStatuses, sendBatches, startFleet, until, type Fleet } from './gateway-fleet.js';
import { missingPrerequisites, skipReason, startOwnedPostgres, type OwnedPostgres } from './owned-servers.js';
import { acceptedSendTimes, duplicateCount } from './send-figures.js';
import { spawnSimulator, type SimulatorProcess } from './simulator-process.js';

const BEFORE = 400;
const MPS = 50;
const OUTAGE_MS = 4_000;
const TITLE = 'PostgreSQL unreachable for a few seconds';
const missing = await missingPrerequisites(['initdb'], true);

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

/** A send's answer; a connection that fails (the process died or dropped it) answers status 0 with the error. */
async function sendOne(url: string, key: string, to: string): Promise<Answer> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
  }).catch((error: Error) => error);
  if (res instanceof Error) return { status: 0, contentType: '', retryAfter: null, body: { error: String(res.cause ?? res.message) } };
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

const isStoreUnavailable = (a: Answer) =>
  a.status === 503 && a.contentType.startsWith('application/problem+json') && a.body.code === 'store_unavailable' && /^\d+$/.test(a.retryAfter ?? '');

describe.skipIf(skipReason(TITLE, missing))('scale: PostgreSQL outage', () => {
  let cluster: OwnedPostgres | undefined;
  let simulator: SimulatorProcess | undefined;
  let fleet: Fleet | undefined;
  afterAll(async () => {
    await fleet?.dispose();
    await simulator?.stop();
    await cluster?.dispose();
  });

  it(TITLE, async () => {
    cluster = await startOwnedPostgres();
    // Meta retries its status webhooks for days; here for about twenty seconds, past the outage.
    simulator = await spawnSimulator({ statusDelaysMs: { sent: 0, delivered: 20, read: -1 }, webhookRetryDelaysMs: [200, 500, 1_000, 1_000, 2_000, 2_000, 4_000, 4_000, 4_000] });
    fleet = await startFleet(simulator, { postgresUrl: cluster.url, schemaPrefix: 'scale_', roles: ['api', 'worker'] });
    const tenant = await createTenant(simulator, fleet.url(0), [MPS]);
    const number = tenant.numbers[0]!.id;
    const accepted = await sendBatches([fleet.url(0)], tenant.key, Array.from({ length: BEFORE }, () => number), 40_000_000);
    expect(accepted.size).toBe(BEFORE);

    // At 50 msg/s most of them still wait for dispatch when the database goes away.
    await until(async () => finished(await messageStatuses(fleet!.databaseUrl)) >= 50, 20_000, 100);
    await cluster.stop();
    const downAt = Date.now();
    const during: Answer[] = [];
    for (let i = 0; Date.now() - downAt < OUTAGE_MS; i++) {
      during.push(await sendOne(fleet.url(0), tenant.key, `4917${String(41_000_000 + i)}`));
      await new Promise((r) => setTimeout(r, 100));
    }
    const wrong = during.filter((a) => !isStoreUnavailable(a)).map((a) => `${a.status} ${a.contentType} retry-after=${a.retryAfter} ${JSON.stringify(a.body)}`);
    await cluster.start();
    expect(during.length).toBeGreaterThan(0);
    expect(fleet.unexpectedExits()).toEqual([]);
    expect(wrong.slice(0, 5)).toEqual([]);

    let after: Answer | undefined;
    const resumed = await until(async () => (after = await sendOne(fleet!.url(0), tenant.key, '491751000000')).status === 202, 20_000, 200);
    const acceptingAfterMs = Date.now() - downAt;
    const afterIds = [...(await sendBatches([fleet.url(0)], tenant.key, Array.from({ length: 50 }, () => number), 42_000_000)).keys()];
    const total = BEFORE + 1 + afterIds.length;
    await until(async () => finished(await messageStatuses(fleet!.databaseUrl)) >= total, 40_000, 500);
    const sends = acceptedSendTimes(await simulator.requests());
    const figures = {
      answersWhileDown: during.length, storeUnavailable: during.length - wrong.length,
      acceptingAfterMs, allDispatchedAfterMs: Date.now() - downAt, acceptedAfter: afterIds.length,
      lost: [...accepted.keys(), ...afterIds].filter((id) => !sends.has(id)).length,
      duplicates: duplicateCount(sends),
    };
    console.log(`[scale] ${TITLE}: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}`);

    expect(fleet.unexpectedExits()).toEqual([]);
    expect(resumed, `a send after the outage answered ${after?.status} ${JSON.stringify(after?.body)}`).toBe(true);
    expect(afterIds).toHaveLength(50);
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBe(0);
  }, 150_000);
});
