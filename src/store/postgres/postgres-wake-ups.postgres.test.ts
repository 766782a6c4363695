// Wake-ups between processes sharing a schema, over a real PostgreSQL server: each process is one PostgresWakeUps here.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestSchema, engineRuns } from '../../../test/helpers/engines.js';
import { TEST_POSTGRES_URL } from '../../../test/helpers/postgres-server.js';
import { PostgresWakeUps } from './postgres-wake-ups.js';

describe.skipIf(!engineRuns('postgres'))('PostgresWakeUps', () => {
  const opened: PostgresWakeUps[] = [];
  const pools: pg.Pool[] = [];
  const schemas: { drop(): Promise<void> }[] = [];
  let schema = '';
  let otherSchema = '';

  beforeAll(async () => {
    const [one, two] = [await createTestSchema(), await createTestSchema()];
    schemas.push(one, two);
    [schema, otherSchema] = [one.schema, two.schema];
  });
  afterAll(async () => {
    for (const wakeUps of opened) await wakeUps.close();
    for (const pool of pools) await pool.end();
    for (const created of schemas) await created.drop();
  });

  async function process(inSchema: string): Promise<PostgresWakeUps> {
    const options = `-c search_path=${inSchema}`;
    const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, options, max: 2 });
    pools.push(pool);
    const wakeUps = new PostgresWakeUps({
      connect: () => new pg.Client({ connectionString: TEST_POSTGRES_URL, options }),
      query: (text, values) => pool.query(text, [...values]),
    });
    opened.push(wakeUps);
    await wakeUps.start();
    return wakeUps;
  }

  it('wakes this process at once and every other process on the same schema, but none on another schema', async () => {
    const [api, worker, elsewhere] = [await process(schema), await process(schema), await process(otherSchema)];
    const [own, theirs, foreign, otherTopic] = [vi.fn(), vi.fn(), vi.fn(), vi.fn()];
    api.on('outbox', own);
    worker.on('outbox', theirs);
    worker.on('events', otherTopic);
    elsewhere.on('outbox', foreign);
    api.signal('outbox');
    expect(own).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(theirs).toHaveBeenCalled());
    await new Promise((settle) => setTimeout(settle, 200));
    expect(own).toHaveBeenCalledTimes(1);
    expect(foreign).not.toHaveBeenCalled();
    expect(otherTopic).not.toHaveBeenCalled();
  });

  it('listens again by itself after the server dropped its connection', async () => {
    const [api, worker] = [await process(schema), await process(schema)];
    const woken = vi.fn();
    worker.on('events', woken);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN switchboard_wake' AND pid <> pg_backend_pid()`);
    await admin.end();
    await vi.waitFor(() => {
      api.signal('events');
      expect(woken).toHaveBeenCalled();
    }, { timeout: 10_000, interval: 250 });
  });
});
