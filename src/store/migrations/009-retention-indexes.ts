/**
 * Indexes the retention pruner walks, oldest first, so that each small batch finds its rows without a scan. Where
 * the accept path writes the table, the index is partial on rows that are already finished, so accepting a message
 * writes no entry into it (a message enters it when it settles, an event when it is fanned out).
 */
import type { Migration } from './migrations.js';

export const retentionIndexes: Migration = {
  id: 9,
  name: 'retention-indexes',
  statements: [
    // The settled states of domain/message-state.ts as literals (a migration never changes); the pruner's query
    // spells the same condition so that the planner can use the partial index.
    `CREATE INDEX messages_settled_created ON messages (created_at) WHERE status IN ('sent', 'delivered', 'read', 'failed')`,
    `CREATE INDEX events_fanned_out_created ON events (created_at) WHERE fanned_out_at IS NOT NULL`,
    `CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE status <> 'pending'`,
    `CREATE INDEX webhook_attempts_created ON webhook_attempts (created_at)`,
    `CREATE INDEX meta_webhooks_applied ON meta_webhooks (received_at) WHERE applied_at IS NOT NULL`,
    `CREATE INDEX inbound_messages_received ON inbound_messages (received_at)`,
    `CREATE INDEX media_created ON media (created_at)`,
  ],
};
