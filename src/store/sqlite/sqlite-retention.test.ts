/**
 * Runs the retention conformance suite on SQLite, plus the query plans that keep each batch off a full scan and the
 * write lock that the pruner must never hold across an await.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeRetentionConformance } from '../retention.conformance.js';
import { RETAINED_TABLES } from '../../domain/retention.js';
import type { Database as StoreSchema } from '../sql/schema.js';
import { RetentionStore } from '../sql/retention-store.js';
import type { SqlEngine } from '../sql/sql-engine.js';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database.js';
import { createSqliteEngine } from './sqlite-engine.js';
import { openSqliteRetention } from './sqlite-retention.js';

function tempRetention() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-retention-'));
  const file = join(dir, 'switchboard.db');
  openSqliteDatabase(file).close();
  const engine = openSqliteRetention(file);
  return { engine, file, dispose: async () => (await engine.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** An account with `ledgerRows` old ledger rows of 1 credit each and one old upload of two chunks. */
function seedFoldAndUpload(db: SqliteDatabase, ledgerRows: number): void {
  db.prepare(`INSERT INTO accounts (id, name, state, ip_allow_list, credit, created_at, updated_at) VALUES ('acct_1', 't', 'active', '[]', 0, 0, 0)`).run();
  const ledger = db.prepare(`INSERT INTO credit_ledger (id, account_id, message_id, kind, amount, note, created_at) VALUES (?, 'acct_1', NULL, 'topup', 1, NULL, 0)`);
  for (let i = 0; i < ledgerRows; i++) ledger.run(`led_${i}`);
  db.prepare(`INSERT INTO media (id, account_id, mime_type, bytes, sha256, created_at) VALUES ('med_1', 'acct_1', 'image/png', 2, 'x', 0)`).run();
  const chunk = db.prepare(`INSERT INTO media_chunks (media_id, seq, content) VALUES ('med_1', ?, ?)`);
  for (const seq of [0, 1]) chunk.run(seq, Buffer.from([seq]));
}

/** Runs `write` on every microtask turn while `work` is under way: what a request handler on the main thread may do. */
async function writeOnEveryTurnDuring<T>(work: Promise<T>, write: () => void): Promise<{ result: T; writes: number; failures: unknown[] }> {
  let settled = false;
  let writes = 0;
  const failures: unknown[] = [];
  const turn = () => {
    if (settled || writes + failures.length > 10_000) return;
    try {
      write();
      writes += 1;
    } catch (error) {
      failures.push(error);
    }
    queueMicrotask(turn);
  };
  queueMicrotask(turn);
  const result = await work.finally(() => (settled = true));
  return { result, writes, failures };
}

describeRetentionConformance('sqlite', async () => tempRetention());

describe('sqlite retention write lock', () => {
  it('never holds the write lock across an await, so the main connection never meets a busy database during a fold or a media delete', async () => {
    const { engine, file, dispose } = tempRetention();
    const main = openSqliteDatabase(file);
    // No waiting at all: a write that finds the pruner's lock fails at once instead of busy-waiting the main thread.
    main.pragma('busy_timeout = 0');
    seedFoldAndUpload(main, 5);
    const store = new RetentionStore(engine);
    const write = () => void main.prepare(`UPDATE accounts SET updated_at = updated_at + 1 WHERE id = 'acct_1'`).run();

    const fold = await writeOnEveryTurnDuring(store.compactLedger('acct_1', 1, 10), write);
    const media = await writeOnEveryTurnDuring(store.pruneBatch('media', 1, 10), write);

    expect(fold.failures).toEqual([]);
    expect(media.failures).toEqual([]);
    expect(fold.writes).toBeGreaterThan(0);
    expect(media.writes).toBeGreaterThan(0);
    expect(fold.result).toBe(5);
    expect(media.result).toBe(1);
    expect(main.prepare(`SELECT kind, amount FROM credit_ledger`).all()).toEqual([{ kind: 'forward', amount: 5 }]);
    expect(main.prepare(`SELECT count(*) AS n FROM media_chunks`).get()).toEqual({ n: 0 });
    main.close();
    await dispose();
  });
});

describe('sqlite retention query plans', () => {
  it('finds each batch through an index, never by scanning a table', async () => {
    const { file, dispose } = tempRetention();
    const raw = new Database(file);
    seedFoldAndUpload(raw, 2);
    const statements: CompiledQuery[] = [];
    const inner = createSqliteEngine(raw);
    const engine: SqlEngine = {
      ...inner,
      db: new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: raw }), log: (event) => void statements.push(event.query) }),
      runAtomically: (queries) => (statements.push(...queries), inner.runAtomically(queries)),
    };
    const store = new RetentionStore(engine);
    for (const table of RETAINED_TABLES) {
      if (table === 'credit_ledger') expect(await store.compactLedger('acct_1', 1, 10)).toBe(2);
      else await store.pruneBatch(table, 1, 10);
    }
    const scans = statements.flatMap(({ sql, parameters }) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[])
        .map((row) => row.detail)
        .filter((detail) => /^SCAN \w+$/.test(detail))
        .map((detail) => `${detail} in ${sql}`));
    expect(scans).toEqual([]);
    expect(statements.length).toBeGreaterThanOrEqual(RETAINED_TABLES.length);
    raw.close();
    await dispose();
  });
});
