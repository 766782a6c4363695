/** The one migration list leaves the same tables on both engines: names, columns, nullability and broad types. */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, engineRuns, openTestEngine, type TestEngine } from '../../../test/helpers/engines.js';
import { TEST_POSTGRES_URL } from '../../../test/helpers/postgres-server.js';
import { MIGRATIONS } from '../migrations/migrations.js';
import type { Database } from '../sql/schema.js';
import { createPostgresEngine } from './postgres-engine.js';
import { migratePostgres, toPostgres } from './postgres-migrations.js';

interface Column { readonly table: string; readonly column: string; readonly type: string; readonly notNull: boolean }

const BROAD_TYPES: Readonly<Record<string, string>> = { text: 'text', integer: 'integer', bigint: 'bigint', blob: 'bytes', bytea: 'bytes' };
const broad = (declared: string): string => BROAD_TYPES[declared.toLowerCase()] ?? `unknown:${declared}`;
const byName = (a: Column, b: Column) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);

async function sqliteColumns(db: Kysely<Database>): Promise<Column[]> {
  const { rows } = await sql<{ table: string; column: string; type: string; notnull: number; pk: number }>`
    SELECT m.name AS "table", p.name AS "column", p.type AS type, p."notnull" AS "notnull", p.pk AS pk
    FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`.execute(db);
  // SQLite lets a non-INTEGER primary key column hold NULL unless it says NOT NULL; PostgreSQL never does. Inserts
  // always give ids, so the two agree in practice: count primary key columns as NOT NULL.
  return rows.map((r) => ({ table: r.table, column: r.column, type: broad(r.type), notNull: r.notnull === 1 || r.pk > 0 })).sort(byName);
}

async function postgresColumns(db: Kysely<Database>): Promise<Column[]> {
  const { rows } = await sql<{ table: string; column: string; type: string; nullable: string }>`
    SELECT table_name AS "table", column_name AS "column", data_type AS type, is_nullable AS nullable
    FROM information_schema.columns WHERE table_schema = current_schema()`.execute(db);
  return rows.map((r) => ({ table: r.table, column: r.column, type: broad(r.type), notNull: r.nullable === 'NO' })).sort(byName);
}

describe.skipIf(!engineRuns('postgres'))('migrations on both engines', () => {
  let sqlite: TestEngine;
  let postgres: TestEngine;
  beforeAll(async () => {
    [sqlite, postgres] = await Promise.all([openTestEngine('sqlite'), openTestEngine('postgres')]);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.dispose(), postgres?.dispose()]);
  });

  it('leave the same tables and columns, with the same nullability and broad types', async () => {
    const [onSqlite, onPostgres] = await Promise.all([sqliteColumns(sqlite.engine.db), postgresColumns(postgres.engine.db)]);
    expect(onSqlite.length).toBeGreaterThan(100);
    expect(onSqlite.filter((c) => c.type.startsWith('unknown:'))).toEqual([]);
    expect(onPostgres).toEqual(onSqlite);
  });

  it('migrate a new schema once when two processes start together, and find nothing to do after', async () => {
    const { schema, drop } = await createTestSchema();
    const starters = [0, 1].map(() => createPostgresEngine({ url: TEST_POSTGRES_URL, schema, maxConnections: 1 }));
    try {
      await Promise.all(starters.map((engine) => migratePostgres(engine.db)));
      await migratePostgres(starters[0]!.db);
      const applied = await starters[0]!.db.selectFrom('schema_migrations').select('id').orderBy('id').execute();
      expect(applied.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      await Promise.all(starters.map((engine) => engine.close()));
      await drop();
    }
  });

  it('carry webhook deliveries and attempts forward to migration 16: pending and failed deliveries stay, delivered ones go, attempts stay', async () => {
    const { schema, drop } = await createTestSchema();
    const engine = createPostgresEngine({ url: TEST_POSTGRES_URL, schema, maxConnections: 1 });
    try {
      await sql.raw('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)').execute(engine.db);
      for (const m of MIGRATIONS.filter((m) => m.id < 16)) {
        for (const statement of m.statements) await sql.raw(toPostgres(statement)).execute(engine.db);
        await engine.db.insertInto('schema_migrations').values({ id: m.id, name: m.name, applied_at: 0 }).execute();
      }
      await engine.db.insertInto('webhook_deliveries').values(['pending', 'delivered', 'failed'].map((status) => ({
        id: `dlv_${status}`, event_id: `evt_${status}`, endpoint_id: 'ep_1', account_id: 'acct_1', status, attempts: 1, next_attempt_at: null,
        lease_owner: null, lease_expires_at: null, created_at: 1, updated_at: 1,
      }))).execute();
      await engine.db.insertInto('webhook_attempts').values({
        id: 'atmpt_1', endpoint_id: 'ep_1', delivery_id: 'dlv_delivered', event_id: 'evt_delivered', url: 'https://x.example', trigger: 'scheduled',
        outcome: 'delivered', status_code: 200, duration_ms: 3, response_excerpt: null, next_attempt_at: null, created_at: 1,
      }).execute();
      await migratePostgres(engine.db);
      const left = await engine.db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute();
      expect(left.map((r) => r.id)).toEqual(['dlv_failed', 'dlv_pending']);
      expect(await engine.db.selectFrom('webhook_attempts').select(['id', 'delivery_id', 'status_code']).execute())
        .toEqual([{ id: 'atmpt_1', delivery_id: 'dlv_delivered', status_code: 200 }]);
    } finally {
      await engine.close();
      await drop();
    }
  });
});
