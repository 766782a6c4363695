/** Dispatch and Meta's webhooks: call marks on jobs, number holds, raw inbound events, customer messages, the event outbox. */
import type { Migration } from './migrations.js';

export const dispatch: Migration = {
  id: 2,
  name: 'dispatch',
  statements: [
    // calling_since is set, durably, just before an upstream call (not at claim) and cleared when its outcome is
    // written: a job claimed with it still set was interrupted by a crash mid-call.
    `ALTER TABLE outbox ADD COLUMN calling_since BIGINT`,
    `ALTER TABLE outbox ADD COLUMN first_attempt_at BIGINT`,
    `ALTER TABLE phone_numbers ADD COLUMN held_until BIGINT`,
    `ALTER TABLE phone_numbers ADD COLUMN paused INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE phone_numbers ADD COLUMN hold_error TEXT`,
    `ALTER TABLE accounts ADD COLUMN disconnected_at BIGINT`,
    // Meta's webhook POSTs exactly as they came; applied_at is set once their events are applied.
    `CREATE TABLE meta_webhooks (id TEXT PRIMARY KEY, received_at BIGINT NOT NULL, body TEXT NOT NULL, applied_at BIGINT)`,
    `CREATE INDEX meta_webhooks_pending ON meta_webhooks (applied_at, received_at)`,
    `CREATE TABLE inbound_messages (
      wamid TEXT PRIMARY KEY, number_id TEXT NOT NULL, account_id TEXT, sender TEXT NOT NULL, type TEXT NOT NULL,
      body TEXT, payload TEXT NOT NULL, received_at BIGINT NOT NULL)`,
    `CREATE INDEX inbound_messages_number ON inbound_messages (number_id, sender, received_at)`,
    // The event outbox: written in the same transaction as the state change it reports; customer webhooks read it.
    `CREATE TABLE events (
      id TEXT PRIMARY KEY, account_id TEXT NOT NULL, type TEXT NOT NULL, subject_id TEXT, payload TEXT NOT NULL,
      created_at BIGINT NOT NULL)`,
    `CREATE INDEX events_account ON events (account_id, created_at)`,
  ],
};
