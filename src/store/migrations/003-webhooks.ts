/** Customer webhooks: endpoints, one delivery per (event, endpoint), one row per attempt, and the fan-out mark on events. */
import type { Migration } from './migrations.js';

export const webhooks: Migration = {
  id: 3,
  name: 'webhooks',
  statements: [
    // event_types is a JSON array (empty = every type); secrets are sealed like access tokens. The previous secret
    // still signs until previous_secret_until (rotation grace). failing_since starts a streak of failures, cleared by
    // any success: the endpoint is disabled after a period of failure, never after a count.
    `CREATE TABLE webhook_endpoints (
      id TEXT PRIMARY KEY, account_id TEXT NOT NULL, url TEXT NOT NULL, description TEXT, event_types TEXT NOT NULL,
      secret_sealed TEXT NOT NULL, previous_secret_sealed TEXT, previous_secret_until BIGINT,
      enabled INTEGER NOT NULL, disabled_reason TEXT, rate_limit_per_second INTEGER, failing_since BIGINT,
      created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id)`,
    // Set once the event's deliveries exist: the fan-out reads only unmarked events.
    `ALTER TABLE events ADD COLUMN fanned_out_at BIGINT`,
    `CREATE INDEX events_fan_out ON events (id) WHERE fanned_out_at IS NULL`,
    // The send path counts an account's events still waiting for fan-out (its backlog): only that account's, by index.
    `CREATE INDEX events_fan_out_account ON events (account_id) WHERE fanned_out_at IS NULL`,
    // status: pending (due at next_attempt_at, claimed with a lease), delivered, failed (kept, can be replayed).
    // manual = 1 while a replay's single attempt is pending: that attempt never schedules another.
    `CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY, event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, account_id TEXT NOT NULL, status TEXT NOT NULL,
      attempts INTEGER NOT NULL, manual INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT, lease_owner TEXT, lease_expires_at BIGINT,
      created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (event_id, endpoint_id))`,
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending'`,
    `CREATE INDEX webhook_deliveries_backlog ON webhook_deliveries (account_id) WHERE status = 'pending'`,
    `CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, status, created_at)`,
    // delivery_id is NULL for test sends. trigger: scheduled, manual (replay) or test.
    `CREATE TABLE webhook_attempts (
      id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, delivery_id TEXT, event_id TEXT NOT NULL, url TEXT NOT NULL,
      trigger TEXT NOT NULL, outcome TEXT NOT NULL, status_code INTEGER, duration_ms INTEGER NOT NULL, response_excerpt TEXT,
      next_attempt_at BIGINT, created_at BIGINT NOT NULL)`,
    `CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id)`,
  ],
};
