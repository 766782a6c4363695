/**
 * Smaller rows. A delivery that reached its endpoint is no longer kept: its attempt row is the log of it, and a replay
 * of its event finds no delivery and gives the endpoint a fresh one, as it did when the row said `delivered`. Only
 * pending deliveries (the queue) and failed ones (kept for replay) remain, so the rows already delivered go now.
 */
import type { Migration } from './migrations.js';

export const smallerRows: Migration = {
  id: 16,
  name: 'smaller-rows',
  statements: [
    `DELETE FROM webhook_deliveries WHERE status = 'delivered'`,
  ],
};
