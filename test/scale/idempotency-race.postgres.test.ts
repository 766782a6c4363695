/**
 * One Idempotency-Key sent to two api processes at the same moment, over many rounds: exactly one 202 per key, the
 * other answer a 409 idempotency_in_progress while the first is in flight or the replay of the same 202 once it
 * finished, and never two messages (counted in the shared store).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { postgresClientConfig } from '../../src/store/postgres/postgres-engine.js';
import { parsePostgresUrl } from '../../src/store/postgres/postgres-url.js';
import { TEST_POSTGRES_URL } from '../helpers/postgres-server.js';
import { runSchemaPrefix } from '../helpers/test-database.js';
import { createTenant, startFleet, type Fleet } from './gateway-fleet.js';
import { missingPrerequisites, skipReason } from './owned-servers.js';
import { spawnSimulator, type SimulatorProcess } from './simulator-process.js';

const ROUNDS = 200;
const AT_ONCE = 10;
const TITLE = 'one Idempotency-Key at two api processes at once';
const missing = await missingPrerequisites(['postgres'], inject('postgres').reachable);

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
}

async function send(url: string, key: string, idempotencyKey: string, to: string): Promise<Answer> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
}

const isFirst = (a: Answer) => a.status === 202 && !a.replayed;

describe.skipIf(skipReason(TITLE, missing))('scale: idempotency across processes', () => {
  let simulator: SimulatorProcess | undefined;
  let fleet: Fleet | undefined;
  afterAll(async () => {
    await fleet?.dispose();
    await simulator?.stop();
  });

  it(TITLE, async () => {
    simulator = await spawnSimulator({});
    fleet = await startFleet(simulator, { postgresUrl: TEST_POSTGRES_URL, schemaPrefix: runSchemaPrefix(inject('testRunId')), roles: ['api', 'api'] });
    const { key } = await createTenant(simulator, fleet.url(0), [80]);
    const [a, b] = [fleet.url(0), fleet.url(1)];
    const prefix = randomBytes(4).toString('hex');
    const figures = { rounds: ROUNDS, inProgress: 0, replays: 0, wrong: 0 };
    const wrong: string[] = [];

    const round = async (i: number) => {
      const idempotencyKey = `race-${prefix}-${i}`;
      const to = `4917${String(30_000_000 + i)}`;
      const pair = await Promise.all([send(a, key, idempotencyKey, to), send(b, key, idempotencyKey, to)]);
      const first = pair.find(isFirst);
      const other = pair.find((answer) => answer !== first);
      const later = await send(i % 2 === 0 ? a : b, key, idempotencyKey, to);
      const inProgress = other?.status === 409 && other.body.code === 'idempotency_in_progress' && other.contentType.startsWith('application/problem+json');
      const replay = other?.status === 202 && other.replayed && other.body.id === first?.body.id;
      if (!first || !(inProgress || replay) || !(later.replayed && later.body.id === first.body.id)) {
        figures.wrong++;
        wrong.push(`${idempotencyKey}: ${JSON.stringify(pair.map((p) => [p.status, p.replayed, p.body.id ?? p.body.code]))} then ${later.status} ${String(later.body.id ?? later.body.code)}`);
      } else if (inProgress) figures.inProgress++;
      else figures.replays++;
    };
    let next = 0;
    await Promise.all(Array.from({ length: AT_ONCE }, async () => {
      for (let i = next++; i < ROUNDS; i = next++) await round(i);
    }));

    const client = new pg.Client(postgresClientConfig(parsePostgresUrl(fleet.databaseUrl)));
    await client.connect();
    const { rows } = await client.query<{ recipient: string; n: number }>('SELECT recipient, count(*)::int AS n FROM messages GROUP BY recipient');
    await client.end();
    console.log(`[scale] ${TITLE}: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')} messages=${rows.length}`);

    expect(wrong.slice(0, 5)).toEqual([]);
    expect(rows.filter((row) => row.n !== 1)).toEqual([]);
    expect(rows).toHaveLength(ROUNDS);
  }, 120_000);
});
