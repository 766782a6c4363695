/**
 * Vitest global set-up: probes the test PostgreSQL server once per run, hands the answer to every test file, and says
 * in one line when the PostgreSQL suite will not run (and why) so that a green run never hides it. At the end it drops
 * the schemas this run's stores created (runs in parallel keep each other's).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { postgresSuiteRuns, probePostgres, TEST_POSTGRES_URL } from './postgres-server.js';
import { runSchemaPrefix } from './test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

async function dropRunSchemas(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
    for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const probe = await probePostgres();
  project.provide('postgres', probe);
  const runId = randomBytes(3).toString('hex');
  project.provide('testRunId', runId);
  if (!probe.reachable && !postgresSuiteRuns(probe))
    console.warn(`PostgreSQL suite did not run: ${TEST_POSTGRES_URL} cannot be reached (${probe.reason}); only the embedded SQLite engine was tested. Set CI=1 to make this a failure.`);
  return probe.reachable ? () => dropRunSchemas(runSchemaPrefix(runId)) : undefined;
}
