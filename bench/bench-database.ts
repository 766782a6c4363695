/**
 * Which engine a benchmark's gateway stores into: the embedded SQLite file by default, or, with BENCH_ENGINE=postgres,
 * a schema of its own on the PostgreSQL server (BENCH_POSTGRES_URL, default the test server), dropped afterwards. The
 * scale benchmark always compares both, so it asks for a PostgreSQL schema directly.
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
  return onPostgres() ? postgresBenchDatabase() : { url: undefined, engine: 'sqlite', drop: async () => {} };
}

/** A fresh schema on the bench's PostgreSQL server, whatever BENCH_ENGINE says. */
export function postgresBenchDatabase(): BenchDatabase {
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

/** Undefined when the bench's PostgreSQL server answers, else why not. */
export async function postgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${new URL(SERVER).host}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}
