/**
 * Delivery control: what the caller attached to a message (its reference and metadata, echoed in its events), when it
 * may leave and until when, and the lane its job waits in. Jobs are claimed by rank (due time plus the lane's
 * handicap, domain/delivery.ts), so the outbox is indexed on it; the high lane has an index of its own so that a
 * dispatcher whose buffer is full can still take its high jobs ahead of everything it holds.
 */
import type { Migration } from './migrations.js';

export const deliveryControl: Migration = {
  id: 11,
  name: 'delivery-control',
  statements: [
    `ALTER TABLE messages ADD COLUMN client_ref TEXT`,
    `ALTER TABLE messages ADD COLUMN metadata TEXT`,
    `ALTER TABLE messages ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'`,
    `ALTER TABLE messages ADD COLUMN send_at BIGINT`,
    `ALTER TABLE messages ADD COLUMN expires_at BIGINT`,
    `CREATE INDEX messages_account_client_ref ON messages (account_id, client_ref, id) WHERE client_ref IS NOT NULL`,
    // What an account's sends get when they say nothing: their lane, and how long they may wait (null: no limit).
    `ALTER TABLE accounts ADD COLUMN default_priority TEXT NOT NULL DEFAULT 'normal'`,
    `ALTER TABLE accounts ADD COLUMN default_validity_seconds INTEGER`,
    `ALTER TABLE outbox ADD COLUMN lane INTEGER NOT NULL DEFAULT 1`,
    `ALTER TABLE outbox ADD COLUMN rank_at BIGINT NOT NULL DEFAULT 0`,
    `ALTER TABLE outbox ADD COLUMN expires_at BIGINT`,
    // Jobs queued before this migration are normal-lane jobs: their rank is their due time plus that lane's handicap.
    `UPDATE outbox SET rank_at = due_at + 60000`,
    `CREATE INDEX outbox_rank ON outbox (rank_at)`,
    `CREATE INDEX outbox_lane_rank ON outbox (lane, rank_at)`,
    // The expiry sweep reads jobs by validity, whether or not their number may send.
    `CREATE INDEX outbox_expiry ON outbox (expires_at) WHERE expires_at IS NOT NULL`,
    // `canceled` is a settled state too (domain/retention.ts derives the list): the pruner's partial index follows.
    `DROP INDEX messages_settled_created`,
    `CREATE INDEX messages_settled_created ON messages (created_at) WHERE status IN ('sent', 'delivered', 'read', 'failed', 'canceled')`,
  ],
};
