/**
 * Vitest global set-up: probes the test PostgreSQL server once per run, hands the answer to every test file, and says
 * in one line when the PostgreSQL suite will not run (and why) so that a green run never hides it.
 */
import type { TestProject } from 'vitest/node';
import { postgresSuiteRuns, probePostgres, TEST_POSTGRES_URL } from './postgres-server.js';

export default async function setup(project: TestProject): Promise<void> {
  const probe = await probePostgres();
  project.provide('postgres', probe);
  if (!probe.reachable && !postgresSuiteRuns(probe))
    console.warn(`PostgreSQL suite did not run: ${TEST_POSTGRES_URL} cannot be reached (${probe.reason}); only the embedded SQLite engine was tested. Set CI=1 to make this a failure.`);
}
