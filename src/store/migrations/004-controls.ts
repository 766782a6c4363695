/** Account controls: prepaid credit with its ledger and prices, expiry, quotas, blocked paths, contact checks, template review state. */
import type { Migration } from './migrations.js';

export const controls: Migration = {
  id: 4,
  name: 'controls',
  statements: [
    // One row per account that has any control set; absent = no control (the defaults in domain/account.ts).
    // blocked_paths is a JSON array of path patterns; requests_per_minute and request_interval_ms are request quotas on
    // top of accounts.rate_limit_per_second; messaging_tier is Meta's unique-recipient tier (NULL = unlimited).
    `CREATE TABLE account_controls (
      account_id TEXT PRIMARY KEY REFERENCES accounts(id), prepaid_expires_at BIGINT, whatsapp_api_disabled INTEGER NOT NULL DEFAULT 0,
      spam_threshold INTEGER, messaging_tier INTEGER, requests_per_minute INTEGER, request_interval_ms INTEGER,
      blocked_paths TEXT NOT NULL DEFAULT '[]', updated_at BIGINT NOT NULL)`,
    // Price of one message per category and country ('*' = any country); absent = 1 unit.
    `CREATE TABLE credit_prices (
      account_id TEXT NOT NULL, category TEXT NOT NULL, country TEXT NOT NULL, price BIGINT NOT NULL, PRIMARY KEY (account_id, category, country))`,
    // Every movement of accounts.credit, signed: topup/adjust (+/−), reserve (− at accept), refund (+ on failed before
    // sending), settle (0: the reservation became a charge on sent). The sum of an account's rows is its balance.
    `CREATE TABLE credit_ledger (
      id TEXT PRIMARY KEY, account_id TEXT NOT NULL, message_id TEXT, kind TEXT NOT NULL, amount BIGINT NOT NULL, note TEXT,
      created_at BIGINT NOT NULL)`,
    `CREATE INDEX credit_ledger_account ON credit_ledger (account_id, created_at)`,
    `CREATE UNIQUE INDEX credit_ledger_message_kind ON credit_ledger (message_id, kind) WHERE message_id IS NOT NULL`,
    // What the upstream said about a number having WhatsApp, kept for a TTL.
    `CREATE TABLE contact_checks (
      number_id TEXT NOT NULL, wa_id TEXT NOT NULL, status TEXT NOT NULL, checked_at BIGINT NOT NULL, PRIMARY KEY (number_id, wa_id))`,
    `CREATE INDEX contact_checks_wa_id ON contact_checks (wa_id, checked_at)`,
    // The same text to distinct recipients per UTC day, for the spam-control threshold.
    `CREATE TABLE spam_texts (
      account_id TEXT NOT NULL, day TEXT NOT NULL, text_hash TEXT NOT NULL, recipient TEXT NOT NULL, PRIMARY KEY (account_id, day, text_hash, recipient))`,
    // Template review: the upstream's id and the rejection (or pause) reason.
    `ALTER TABLE templates ADD COLUMN upstream_id TEXT`,
    `ALTER TABLE templates ADD COLUMN reason TEXT`,
    // Messaging limits count business-initiated (template) sends to unique recipients over a rolling 24 h.
    `CREATE INDEX messages_account_type_created ON messages (account_id, type, created_at)`,
  ],
};
