/**
 * Which engine a benchmark's gateway stores into: the embedded SQLite file by default, or, with BENCH_ENGINE=postgres,
 * a schema of its own on the PostgreSQL server (BENCH_POSTGRES_URL, default the test server), dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  /** DATABASE_URL for the gateway; undefined = the data dir's SQLite file. */
  readonly url: string | undefined;
  readonly engine: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

const SERVER = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function onPostgres(): boolean {
  return process.env.BENCH_ENGINE === 'postgres';
}

export function benchDatabase(): BenchDatabase {
  if (!onPostgres()) return { url: undefined, engine: 'sqlite', drop: async () => {} };
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  return {
    url: `${SERVER}?schema=${schema}`,
    engine: 'postgres',
    async drop() {
      const client = new pg.Client({ connectionString: SERVER });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
