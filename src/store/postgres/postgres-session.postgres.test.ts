/**
 * What a process's PostgreSQL session gives the others sharing its schema, over a real server: its wake-ups, and the
 * locks by which another process tells its workers' leases (alive) from a dead process's (freed at once).
 */
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestSchema, engineRuns } from '../../../test/helpers/engines.js';
import { seedMessages, seedTenant } from '../../../test/helpers/outbox-rows.js';
import { TEST_POSTGRES_URL } from '../../../test/helpers/postgres-server.js';
import { SqlDeliveryQueue } from '../sql/sql-delivery-queue.js';
import { SqlOutboxQueue } from '../sql/sql-outbox-queue.js';
import type { SqlEngine } from '../sql/sql-engine.js';
import { createPostgresEngine, postgresClientConfig } from './postgres-engine.js';
import { postgresLiveness } from './postgres-liveness.js';
import { migratePostgres } from './postgres-migrations.js';
import { PostgresSession } from './postgres-session.js';
import { PostgresWakeUps, WAKE_CHANNEL } from './postgres-wake-ups.js';

interface Process {
  readonly engine: SqlEngine;
  readonly session: PostgresSession;
  readonly wakeUps: PostgresWakeUps;
  readonly queue: SqlOutboxQueue;
  readonly lanes: SqlDeliveryQueue;
}

describe.skipIf(!engineRuns('postgres'))('PostgresSession', () => {
  const opened: Process[] = [];
  const schemas: { drop(): Promise<void> }[] = [];
  let schema = '';
  let otherSchema = '';

  beforeAll(async () => {
    const [one, two] = [await createTestSchema(), await createTestSchema()];
    schemas.push(one, two);
    [schema, otherSchema] = [one.schema, two.schema];
  });
  afterAll(async () => {
    for (const p of opened) {
      await p.session.close();
      await p.wakeUps.close();
      await p.engine.close();
    }
    for (const created of schemas) await created.drop();
  });

  /** One gateway process on `inSchema`, as openPostgresStore puts one together. */
  async function process(inSchema: string): Promise<Process> {
    const options = { url: TEST_POSTGRES_URL, schema: inSchema, maxConnections: 2 };
    const engine = createPostgresEngine(options);
    await migratePostgres(engine.db);
    const wakeUps = new PostgresWakeUps({ query: (text, values) => engine.db.executeQuery(CompiledQuery.raw(text, [...values])) });
    const session = new PostgresSession({
      connect: () => new pg.Client(postgresClientConfig(options)), channel: WAKE_CHANNEL, onNotification: (payload) => wakeUps.received(payload), onError: () => undefined,
    });
    wakeUps.listenIn(await session.open());
    const liveness = postgresLiveness(session);
    const p = { engine, session, wakeUps, queue: new SqlOutboxQueue(engine, liveness), lanes: new SqlDeliveryQueue(engine, liveness) };
    opened.push(p);
    return p;
  }

  it('wakes this process at once and every other process on the same schema, but none on another schema', async () => {
    const [api, worker, elsewhere] = [await process(schema), await process(schema), await process(otherSchema)];
    const [own, theirs, foreign, otherTopic] = [vi.fn(), vi.fn(), vi.fn(), vi.fn()];
    api.wakeUps.on('outbox', own);
    worker.wakeUps.on('outbox', theirs);
    worker.wakeUps.on('events', otherTopic);
    elsewhere.wakeUps.on('outbox', foreign);
    api.wakeUps.signal('outbox');
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
    worker.wakeUps.on('events', woken);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${WAKE_CHANNEL}' AND pid <> pg_backend_pid()`);
    await admin.end();
    await vi.waitFor(() => {
      api.wakeUps.signal('events');
      expect(woken).toHaveBeenCalled();
    }, { timeout: 10_000, interval: 250 });
  });

  it('frees the leases of a process whose session ended, and never those of a process still alive', async () => {
    const [alive, dying, starting] = [await process(schema), await process(schema), await process(schema)];
    const now = Date.now();
    const tenant = await seedTenant(alive.engine, now);
    await seedMessages(alive.engine, tenant, 4, { at: now });
    const request = { now, leaseMs: 600_000, limit: 2 };
    expect(await alive.queue.claim({ ...request, owner: 'dispatcher-alive' })).toHaveLength(2);
    expect(await dying.queue.claim({ ...request, owner: 'dispatcher-dying' })).toHaveLength(2);
    expect(await starting.queue.releaseAbandoned()).toBe(0);
    await dying.session.close();
    expect(await starting.queue.releaseAbandoned()).toBe(2);
    const reclaimed = await starting.queue.claim({ ...request, owner: 'dispatcher-starting', limit: 10 });
    expect(reclaimed).toHaveLength(2);
    expect(await starting.queue.releaseAbandoned()).toBe(0);
  });

  it('hands a webhook lane held by a process whose session ended to a running worker, never one held by a live process', async () => {
    const [alive, dying, running] = [await process(schema), await process(schema), await process(schema)];
    const now = Date.now();
    const hold = (p: Process, owner: string, lanes: string[]) => p.lanes.holdLanes(owner, lanes, now, now + 600_000);
    expect(await hold(alive, 'webhooks-alive', ['ep_alive'])).toEqual(['ep_alive']);
    expect(await hold(dying, 'webhooks-dying', ['ep_dying'])).toEqual(['ep_dying']);
    expect(await hold(running, 'webhooks-running', ['ep_alive', 'ep_dying'])).toEqual([]);
    await dying.session.close();
    expect(await hold(running, 'webhooks-running', ['ep_alive', 'ep_dying'])).toEqual(['ep_dying']);
    expect(await hold(alive, 'webhooks-alive', ['ep_alive'])).toEqual(['ep_alive']);
  });
});
