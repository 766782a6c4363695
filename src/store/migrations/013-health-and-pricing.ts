/**
 * Number, account and template health from Meta's webhooks, and the pricing Meta reports on statuses
 * (docs/meta-health-and-pricing.md). `restricted` with `restricted_until` holds a number's queued jobs in the claim:
 * 1 and no end = held until Meta lifts it; 1 and an end = held until then.
 */
import type { Migration } from './migrations.js';

export const healthAndPricing: Migration = {
  id: 13,
  name: 'health-and-pricing',
  statements: [
    `ALTER TABLE phone_numbers ADD COLUMN quality_rating TEXT`,
    `ALTER TABLE phone_numbers ADD COLUMN messaging_tier TEXT`,
    // JSON {event, types, until}: the restriction as Meta last reported it.
    `ALTER TABLE phone_numbers ADD COLUMN restriction TEXT`,
    `ALTER TABLE phone_numbers ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE phone_numbers ADD COLUMN restricted_until BIGINT`,
    `ALTER TABLE phone_numbers ADD COLUMN violation TEXT`,
    `ALTER TABLE templates ADD COLUMN quality TEXT`,
    // JSON: the `pricing` object of the message's latest status that had one.
    `ALTER TABLE messages ADD COLUMN pricing TEXT`,
    // Dated prices: one row per category, country and the time from which it applies (0 = always). The key changes,
    // so the table is rebuilt (both engines rename the same way).
    `CREATE TABLE credit_prices_dated (
      account_id TEXT NOT NULL, category TEXT NOT NULL, country TEXT NOT NULL, effective_from BIGINT NOT NULL DEFAULT 0, price BIGINT NOT NULL,
      PRIMARY KEY (account_id, category, country, effective_from))`,
    `INSERT INTO credit_prices_dated (account_id, category, country, effective_from, price) SELECT account_id, category, country, 0, price FROM credit_prices`,
    `DROP TABLE credit_prices`,
    `ALTER TABLE credit_prices_dated RENAME TO credit_prices`,
  ],
};
