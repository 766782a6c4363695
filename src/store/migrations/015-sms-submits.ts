/** SMS messages on the send API: the SMS centre's id of each submitted segment, kept so a receipt after a restart still finds its message. */
import type { Migration } from './migrations.js';

export const smsSubmits: Migration = {
  id: 15,
  name: 'sms-submits',
  statements: [
    // One row per segment; outcome is null until its receipt is final, then the JSON of its catalog error or 'delivered'.
    `CREATE TABLE sms_submits (
      connector_id TEXT NOT NULL, smsc_message_id TEXT NOT NULL, message_id TEXT NOT NULL REFERENCES messages(id),
      segment INTEGER NOT NULL, segments INTEGER NOT NULL, outcome TEXT, created_at BIGINT NOT NULL,
      PRIMARY KEY (connector_id, smsc_message_id))`,
    `CREATE INDEX sms_submits_message ON sms_submits (message_id)`,
  ],
};
