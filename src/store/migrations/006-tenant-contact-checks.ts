/**
 * Contact checks belong to the account that asked (or whose number was written to), so no tenant sees another's
 * cached answer. The old rows were keyed by number only; they are a cache of upstream answers, so they are dropped
 * and each account asks again when it next checks.
 */
import type { Migration } from './migrations.js';

export const tenantContactChecks: Migration = {
  id: 6,
  name: 'tenant-contact-checks',
  statements: [
    `DROP TABLE contact_checks`,
    `CREATE TABLE contact_checks (
      account_id TEXT NOT NULL, wa_id TEXT NOT NULL, status TEXT NOT NULL, checked_at BIGINT NOT NULL, PRIMARY KEY (account_id, wa_id))`,
  ],
};
