/** The SMS channel's configuration: SMPP connectors (password sealed), routes by destination prefix, per-account sender ids. */
import type { Migration } from './migrations.js';

export const smsConnectors: Migration = {
  id: 14,
  name: 'sms-connectors',
  statements: [
    `CREATE TABLE sms_connectors (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL, system_id TEXT NOT NULL,
      password_sealed TEXT NOT NULL, system_type TEXT NOT NULL DEFAULT '', throughput_per_second INTEGER NOT NULL,
      window_size INTEGER NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    // prefix '' is the default route; account_ids is a JSON array of the accounts that may use the route, NULL = all.
    `CREATE TABLE sms_routes (
      id TEXT PRIMARY KEY, prefix TEXT NOT NULL UNIQUE, connector_id TEXT NOT NULL REFERENCES sms_connectors(id),
      account_ids TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE TABLE sms_sender_ids (
      account_id TEXT NOT NULL REFERENCES accounts(id), sender_id TEXT NOT NULL, created_at BIGINT NOT NULL,
      PRIMARY KEY (account_id, sender_id))`,
  ],
};
