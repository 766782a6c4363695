/**
 * SMS messages on the send API: the SMS centre's id of each submitted segment, kept so a receipt after a restart still
 * finds its message; and a WhatsApp message's failover to SMS (what to send, where it stands, the SMS it became).
 */
import type { Migration } from './migrations.js';

export const smsSubmits: Migration = {
  id: 15,
  name: 'sms-submits',
  statements: [
    // One row per segment of each submit (attempt 1, 2 … after receipts of transient failures); outcome is null until its receipt is final, then the JSON of its catalog error or 'delivered'.
    `CREATE TABLE sms_submits (
      connector_id TEXT NOT NULL, smsc_message_id TEXT NOT NULL, message_id TEXT NOT NULL REFERENCES messages(id),
      attempt INTEGER NOT NULL, segment INTEGER NOT NULL, segments INTEGER NOT NULL, outcome TEXT, created_at BIGINT NOT NULL,
      PRIMARY KEY (connector_id, smsc_message_id))`,
    `CREATE INDEX sms_submits_message ON sms_submits (message_id)`,
    // failover is the request (JSON); failover_due_at is when it goes without a delivered (null = only on failure).
    `ALTER TABLE messages ADD COLUMN failover TEXT`,
    `ALTER TABLE messages ADD COLUMN failover_state TEXT`,
    `ALTER TABLE messages ADD COLUMN failover_due_at BIGINT`,
    `ALTER TABLE messages ADD COLUMN failover_message_id TEXT`,
    `ALTER TABLE messages ADD COLUMN failover_error TEXT`,
    `CREATE INDEX messages_failover_pending ON messages (failover_due_at) WHERE failover_state = 'pending'`,
  ],
};
