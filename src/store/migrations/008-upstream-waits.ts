/** Jobs put back because the upstream was down are marked, so that they go at once when it answers again. */
import type { Migration } from './migrations.js';

export const upstreamWaits: Migration = {
  id: 8,
  name: 'upstream-waits',
  statements: [
    // 1 while the job waits out a retry scheduled because the upstream itself failed (not this message): when the
    // upstream answers again, such jobs are due at once instead of each waiting out its own backoff.
    `ALTER TABLE outbox ADD COLUMN waits_for_upstream INTEGER NOT NULL DEFAULT 0`,
  ],
};
