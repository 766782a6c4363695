/**
 * Which engine the behavioural suite runs on. `npm test` runs it twice: on the embedded SQLite default, then with
 * SWITCHBOARD_TEST_ENGINE=postgres, where every store a test opens (directly, through a test gateway or a served
 * process) lives in a PostgreSQL schema of its own, dropped when the run ends (postgres-global-setup.ts).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { createPostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { parsePostgresUrl } from '../../src/store/postgres/postgres-url.js';
import type { Database } from '../../src/store/sql/schema.js';
import { createSqliteEngine } from '../../src/store/sqlite/sqlite-engine.js';
import { inject } from 'vitest';
import { TEST_POSTGRES_URL } from './postgres-server.js';

export type TestEngineName = 'sqlite' | 'postgres';

export const TEST_ENGINE: TestEngineName = process.env.SWITCHBOARD_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** Every schema of one run starts with this, so the run's teardown drops its own and no other run's. */
export function runSchemaPrefix(runId: string): string {
  return `sbtest_${runId}_`;
}

/**
 * The DATABASE_URL of the store kept for a test's data dir: undefined (the dir's SQLite file), or the PostgreSQL schema
 * that belongs to that dir, so a restarted gateway, a CLI run and the test itself all open the same data, as they do
 * on SQLite. The store that opens it first creates the schema.
 */
export function testDatabaseUrl(dataDir: string): string | undefined {
  return databaseUrlOn(TEST_ENGINE, dataDir);
}

/** As `testDatabaseUrl`, on the engine named rather than the run's: for suites that run once per engine. */
export function databaseUrlOn(engine: TestEngineName, dataDir: string): string | undefined {
  if (engine === 'sqlite') return undefined;
  const schema = `${runSchemaPrefix(inject('testRunId'))}${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
  return `${TEST_POSTGRES_URL}?schema=${schema}`;
}

/** `env` for a child process (serve, the CLI) with the DATABASE_URL of its data dir added when the run needs one. */
export function withTestDatabase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dataDir = env['SWITCHBOARD_DATA_DIR'];
  const url = dataDir === undefined || env['DATABASE_URL'] !== undefined ? undefined : testDatabaseUrl(dataDir);
  return url === undefined ? env : { ...env, DATABASE_URL: url };
}

/** The data dir's database as the test's engine keeps it, for a test to read what the gateway wrote. */
export async function readTestDatabase<T>(dataDir: string, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const url = testDatabaseUrl(dataDir);
  const engine = url === undefined
    ? createSqliteEngine(new BetterSqlite3(join(dataDir, 'switchboard.db'), { readonly: true }))
    : createPostgresEngine({ ...parsePostgresUrl(url), maxConnections: 1 });
  try {
    return await read(engine.db);
  } finally {
    await engine.db.destroy();
  }
}
