/**
 * Smaller rows. A delivery that reached its endpoint is no longer kept: its attempt row is the log of it, and a replay
 * of its event finds no delivery and gives the endpoint a fresh one, as it did when the row said `delivered`. Only
 * pending deliveries (the queue) and failed ones (kept for replay) remain, so the rows already delivered go now.
 *
 * Attempts are read by endpoint (the attempt log, newest first) and by time (retention, the dashboard), never by id
 * alone: keyed by (endpoint, id) without a row id on SQLite, the table is its own endpoint index, and the separate
 * unique index on id and the (endpoint, id) index go. PostgreSQL has no row-id tables: there the key is the same and
 * the clause is left out (postgres-migrations.ts).
 */
import type { Migration } from './migrations.js';

export const smallerRows: Migration = {
  id: 16,
  name: 'smaller-rows',
  statements: [
    `DELETE FROM webhook_deliveries WHERE status = 'delivered'`,
    `CREATE TABLE webhook_attempts_by_endpoint (
      endpoint_id TEXT NOT NULL, id TEXT NOT NULL, delivery_id TEXT, event_id TEXT NOT NULL, url TEXT NOT NULL,
      trigger TEXT NOT NULL, outcome TEXT NOT NULL, status_code INTEGER, duration_ms INTEGER NOT NULL, response_excerpt TEXT,
      next_attempt_at BIGINT, created_at BIGINT NOT NULL, PRIMARY KEY (endpoint_id, id)) WITHOUT ROWID`,
    `INSERT INTO webhook_attempts_by_endpoint (endpoint_id, id, delivery_id, event_id, url, trigger, outcome, status_code, duration_ms, response_excerpt, next_attempt_at, created_at)
      SELECT endpoint_id, id, delivery_id, event_id, url, trigger, outcome, status_code, duration_ms, response_excerpt, next_attempt_at, created_at FROM webhook_attempts`,
    `DROP TABLE webhook_attempts`,
    `ALTER TABLE webhook_attempts_by_endpoint RENAME TO webhook_attempts`,
    `CREATE INDEX webhook_attempts_created ON webhook_attempts (created_at)`,
  ],
};
