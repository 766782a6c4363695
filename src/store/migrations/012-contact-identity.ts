/**
 * Contacts known by phone, business-scoped user id, or both. Every identifier an account has met for a contact is an
 * alias of the contact's key (the first identifier it was known by), under which windows, opt-outs and blocks are kept.
 */
import type { Migration } from './migrations.js';

export const contactIdentity: Migration = {
  id: 12,
  name: 'contact-identity',
  statements: [
    `CREATE TABLE contact_aliases (account_id TEXT NOT NULL, identifier TEXT NOT NULL, contact_key TEXT NOT NULL, PRIMARY KEY (account_id, identifier))`,
    `CREATE INDEX contact_aliases_by_key ON contact_aliases (account_id, contact_key)`,
    `CREATE TABLE contact_profiles (account_id TEXT NOT NULL, contact_key TEXT NOT NULL, phone TEXT, user_id TEXT, parent_user_id TEXT,
      username TEXT, marketing_stopped_at BIGINT, updated_at BIGINT NOT NULL, PRIMARY KEY (account_id, contact_key))`,
    `CREATE TABLE contact_blocks (number_id TEXT NOT NULL, contact_key TEXT NOT NULL, blocked_at BIGINT NOT NULL, PRIMARY KEY (number_id, contact_key))`,
  ],
};
