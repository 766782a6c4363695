/** Runs the retention conformance suite on SQLite, plus the query plans that keep each batch off a full scan. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeRetentionConformance } from '../retention.conformance.js';
import { RETAINED_TABLES } from '../../domain/retention.js';
import type { Database as StoreSchema } from '../sql/schema.js';
import { RetentionStore } from '../sql/retention-store.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { openSqliteRetention } from './sqlite-retention.js';

function tempRetention() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-retention-'));
  const file = join(dir, 'switchboard.db');
  openSqliteDatabase(file).close();
  const db = openSqliteRetention(file);
  return { db, file, dispose: async () => (await db.destroy(), rmSync(dir, { recursive: true, force: true })) };
}

describeRetentionConformance('sqlite', async () => tempRetention());

describe('sqlite retention query plans', () => {
  it('finds each batch through an index, never by scanning a table', async () => {
    const { file, dispose } = tempRetention();
    const raw = new Database(file);
    const statements: { sql: string; parameters: readonly unknown[] }[] = [];
    const db = new Kysely<StoreSchema>({
      dialect: new SqliteDialect({ database: raw }),
      log: (event) => void statements.push({ sql: event.query.sql, parameters: event.query.parameters }),
    });
    const store = new RetentionStore(db);
    for (const table of RETAINED_TABLES) {
      if (table === 'credit_ledger') await store.compactLedger('acct_1', 1, 10);
      else await store.pruneBatch(table, 1, 10);
    }
    const scans = statements.flatMap(({ sql, parameters }) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[])
        .map((row) => row.detail)
        .filter((detail) => /^SCAN \w+$/.test(detail))
        .map((detail) => `${detail} in ${sql}`));
    expect(scans).toEqual([]);
    expect(statements.length).toBeGreaterThanOrEqual(RETAINED_TABLES.length);
    await db.destroy();
    await dispose();
  });
});
