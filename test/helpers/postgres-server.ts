/**
 * The PostgreSQL server the tests use (127.0.0.1:5432, database `test`, trust auth), and whether its suite runs: it
 * runs when the server answers, and under CI always (so an unreachable server fails there instead of skipping).
 */
import pg from 'pg';

export const TEST_POSTGRES_URL = process.env.SWITCHBOARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type PostgresProbe = { readonly reachable: true } | { readonly reachable: false; readonly reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresProbe;
  }
}

export async function probePostgres(url = TEST_POSTGRES_URL): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { reachable: true };
  } catch (error) {
    return { reachable: false, reason: error instanceof Error && error.message !== '' ? error.message : String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

export function postgresSuiteRuns(probe: PostgresProbe): boolean {
  return probe.reachable || Boolean(process.env.CI);
}
