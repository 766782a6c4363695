/** The first schema: tenants, keys, numbers, messages with their outbox, idempotency, and the facts preflight reads. */
import type { Migration } from './migrations.js';

export const initial: Migration = {
  id: 1,
  name: 'initial',
  statements: [
    `CREATE TABLE accounts (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL, expires_at BIGINT,
      ip_allow_list TEXT NOT NULL, rate_limit_per_second INTEGER, credit BIGINT, default_number_id TEXT,
      created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE TABLE api_keys (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, account_id TEXT REFERENCES accounts(id), name TEXT NOT NULL,
      prefix TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, revoked_at BIGINT)`,
    `CREATE INDEX api_keys_account ON api_keys (account_id)`,
    `CREATE TABLE phone_numbers (
      id TEXT PRIMARY KEY, phone_number_id TEXT NOT NULL UNIQUE, display_phone_number TEXT NOT NULL, waba_id TEXT NOT NULL,
      account_id TEXT REFERENCES accounts(id), registration TEXT NOT NULL, max_mps INTEGER NOT NULL,
      access_token_sealed TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE INDEX phone_numbers_account ON phone_numbers (account_id)`,
    // status_times is a JSON object {state: epoch ms}; payload is the Cloud API body the dispatcher posts.
    `CREATE TABLE messages (
      id TEXT PRIMARY KEY, account_id TEXT NOT NULL, number_id TEXT NOT NULL, recipient TEXT NOT NULL, type TEXT NOT NULL,
      status TEXT NOT NULL, payload TEXT NOT NULL, status_times TEXT NOT NULL, wamid TEXT, error TEXT,
      created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE INDEX messages_account ON messages (account_id, id)`,
    `CREATE INDEX messages_account_status ON messages (account_id, status, id)`,
    `CREATE INDEX messages_account_recipient ON messages (account_id, recipient, id)`,
    `CREATE UNIQUE INDEX messages_wamid ON messages (wamid) WHERE wamid IS NOT NULL`,
    // The outbox holds ids only (payloads stay in messages). A job is due when due_at <= now and its lease is free or
    // lapsed; claiming sets lease_owner/lease_expires_at, finishing deletes the row.
    `CREATE TABLE outbox (
      id TEXT PRIMARY KEY, message_id TEXT NOT NULL UNIQUE REFERENCES messages(id), number_id TEXT NOT NULL,
      due_at BIGINT NOT NULL, attempts INTEGER NOT NULL, lease_owner TEXT, lease_expires_at BIGINT, created_at BIGINT NOT NULL)`,
    `CREATE INDEX outbox_due ON outbox (due_at)`,
    `CREATE TABLE idempotency_keys (
      account_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL, status_code INTEGER NOT NULL,
      body TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (account_id, idempotency_key))`,
    `CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`,
    `CREATE TABLE opt_outs (account_id TEXT NOT NULL, wa_id TEXT NOT NULL, opted_out_at BIGINT NOT NULL, PRIMARY KEY (account_id, wa_id))`,
    `CREATE TABLE service_windows (number_id TEXT NOT NULL, wa_id TEXT NOT NULL, last_inbound_at BIGINT NOT NULL, PRIMARY KEY (number_id, wa_id))`,
    `CREATE TABLE templates (
      waba_id TEXT NOT NULL, name TEXT NOT NULL, language TEXT NOT NULL, status TEXT NOT NULL, category TEXT NOT NULL,
      components TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (waba_id, name, language))`,
    `CREATE TABLE media (
      id TEXT PRIMARY KEY, account_id TEXT NOT NULL, number_id TEXT, mime_type TEXT NOT NULL, bytes BIGINT NOT NULL,
      sha256 TEXT NOT NULL, filename TEXT, content BLOB NOT NULL, created_at BIGINT NOT NULL)`,
  ],
};
