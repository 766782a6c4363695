/**
 * Brings a PostgreSQL schema up to date with the one migration list both engines share. The statements are in the
 * common subset; BLOB is the one type spelled differently (BYTEA), and SQLite's WITHOUT ROWID is left out. Processes starting together take an advisory lock
 * for the schema first, so exactly one of them migrates and the others find the work done.
 */
import { sql, type Kysely } from 'kysely';
import { pendingMigrations, SCHEMA_MIGRATIONS_TABLE } from '../migrations/migrations.js';
import type { Database } from '../sql/schema.js';

export function toPostgres(statement: string): string {
  // SQLite's table without a row id is an ordinary table keyed the same way here.
  return statement.replace(/\bBLOB\b/g, 'BYTEA').replace(/\)\s*WITHOUT ROWID\s*$/, ')');
}

/** Creates `schema` when it is missing (several processes may start at once: IF NOT EXISTS, retried once on a race). */
export async function ensureSchema(db: Kysely<Database>, schema: string): Promise<void> {
  const create = sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`;
  // Two sessions creating the same schema at once can both pass IF NOT EXISTS; the loser's unique violation means done.
  await create.execute(db).catch((error: unknown) => {
    if ((error as { code?: string }).code !== '23505') throw error;
  });
}

export async function migratePostgres(db: Kysely<Database>, now: () => number = Date.now): Promise<void> {
  // DDL is transactional here, so every pending migration commits together or not at all.
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('switchboard-migrations:' || current_schema()))`.execute(trx);
    await sql.raw(SCHEMA_MIGRATIONS_TABLE).execute(trx);
    const rows = await trx.selectFrom('schema_migrations').select('id').execute();
    for (const migration of pendingMigrations(new Set(rows.map((r) => r.id)))) {
      for (const statement of migration.statements) await sql.raw(toPostgres(statement)).execute(trx);
      await trx.insertInto('schema_migrations').values({ id: migration.id, name: migration.name, applied_at: now() }).execute();
    }
  });
}
