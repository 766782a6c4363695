/** The claimed state is called `queued` (it was `dispatching`): rows written before the rename follow it. */
import type { Migration } from './migrations.js';

export const queuedState: Migration = {
  id: 5,
  name: 'queued-state',
  statements: [`UPDATE messages SET status = 'queued' WHERE status = 'dispatching'`],
};
