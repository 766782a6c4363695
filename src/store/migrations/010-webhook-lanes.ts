/**
 * Customer-webhook lanes leased to one worker at a time, so an endpoint's concurrency cap, pace and order hold however
 * many worker processes share the database. A row exists while some worker holds (or last held) the lane.
 */
import type { Migration } from './migrations.js';

export const webhookLanes: Migration = {
  id: 10,
  name: 'webhook-lanes',
  statements: [
    `CREATE TABLE webhook_lanes (endpoint_id TEXT PRIMARY KEY, lease_owner TEXT NOT NULL, lease_expires_at BIGINT NOT NULL)`,
  ],
};
