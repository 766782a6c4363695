/** Opens the SQLite file in WAL mode with the durability each writer needs, and brings its schema up to date. */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pendingMigrations, SCHEMA_MIGRATIONS_TABLE } from '../migrations/migrations.js';

export type SqliteDatabase = Database.Database;

export function openSqliteDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Accepted messages are committed by the writer thread on its own connection with synchronous=FULL: no 202 goes
  // out before its commit is on disk. This connection writes dispatch progress, Meta's webhooks and admin changes;
  // NORMAL still survives any crash of the process (the WAL is in the OS's hands once written) and only an OS crash
  // or power cut can drop its last commits, at worst re-sending a message or losing a status. An fsync per commit
  // here cost a third of the main thread at 1,000 msg/s (bench/dispatch.bench.ts, BENCH_PROFILE).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrateSqlite(db);
  return db;
}

export function migrateSqlite(db: SqliteDatabase): void {
  db.exec(SCHEMA_MIGRATIONS_TABLE);
  const applied = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));
  for (const migration of pendingMigrations(applied)) {
    db.transaction(() => {
      for (const statement of migration.statements) db.exec(statement);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(migration.id, migration.name, Date.now());
    })();
  }
}
