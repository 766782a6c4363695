/**
 * Runs one set of cases once per store engine. Each engine gets a fresh, fully migrated database for the describe
 * block: a temporary SQLite file, or a PostgreSQL schema of its own (created, then dropped), so parallel test files
 * never share rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openSqliteDatabase } from '../../src/store/sqlite/sqlite-database.js';
import { createSqliteEngine } from '../../src/store/sqlite/sqlite-engine.js';
import { createPostgresEngine } from '../../src/store/postgres/postgres-engine.js';
import { migratePostgres } from '../../src/store/postgres/postgres-migrations.js';
import type { SqlEngine } from '../../src/store/sql/sql-engine.js';
import { postgresSuiteRuns, TEST_POSTGRES_URL } from './postgres-server.js';

export const ENGINE_NAMES = ['sqlite', 'postgres'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface TestEngine {
  readonly name: EngineName;
  readonly engine: SqlEngine;
  dispose(): Promise<void>;
}

async function openSqlite(): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-engine-'));
  const connection = openSqliteDatabase(join(dir, 'store.db'));
  return {
    name: 'sqlite',
    engine: createSqliteEngine(connection),
    dispose: async () => {
      connection.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function onAdminConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty schema, dropped with everything in it by the answer's `drop`. */
export async function createTestSchema(): Promise<{ readonly schema: string; drop(): Promise<void> }> {
  const schema = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onAdminConnection((c) => c.query(`CREATE SCHEMA ${schema}`));
  return { schema, drop: () => onAdminConnection((c) => c.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => {}) };
}

async function openPostgres(): Promise<TestEngine> {
  const { schema, drop } = await createTestSchema();
  const engine = createPostgresEngine({ url: TEST_POSTGRES_URL, schema, maxConnections: 4 });
  await migratePostgres(engine.db);
  return {
    name: 'postgres',
    engine,
    dispose: async () => {
      await engine.close();
      await drop();
    },
  };
}

export function openTestEngine(name: EngineName): Promise<TestEngine> {
  return name === 'sqlite' ? openSqlite() : openPostgres();
}

/** Whether this run includes PostgreSQL (see postgres-global-setup.ts for the line printed when it does not). */
export function engineRuns(name: EngineName): boolean {
  return name === 'sqlite' || postgresSuiteRuns(inject('postgres'));
}

/**
 * `describe`s the cases once per engine, titled `<title> [<engine>]`. `current()` answers the engine of the block
 * being run. PostgreSQL's block is skipped only off CI when its server cannot be reached (the run says so once).
 */
export function describeEachEngine(title: string, cases: (current: () => TestEngine) => void): void {
  for (const name of ENGINE_NAMES) {
    describe.skipIf(!engineRuns(name))(`${title} [${name}]`, () => {
      let opened: TestEngine | undefined;
      beforeAll(async () => {
        opened = await openTestEngine(name);
      });
      afterAll(() => opened?.dispose());
      cases(() => {
        if (!opened) throw new Error(`the ${name} engine did not open`);
        return opened;
      });
    });
  }
}
