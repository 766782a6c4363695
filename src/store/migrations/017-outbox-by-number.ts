/**
 * The SMS dispatcher claims only the outbox jobs of SMS connectors. Without an index by number it walked every due job
 * of every WhatsApp number to find none, several times a second; with this one it reads each connector's jobs alone.
 */
import type { Migration } from './migrations.js';

export const outboxByNumber: Migration = {
  id: 17,
  name: 'outbox-by-number',
  statements: [`CREATE INDEX outbox_number_rank ON outbox (number_id, rank_at)`],
};
