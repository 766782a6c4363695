/**
 * How a queue tells the leases of workers that are gone (their process died) from those of workers still at work, so
 * a starting worker can hand the former out again at once instead of after their leases lapse.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

export interface LeaseLiveness {
  /** Marks `owner` as alive for as long as this process lives; a queue calls it before `owner` first leases anything. */
  hold(owner: string): Promise<void>;
  /** A condition on a row's lease-owner column: true when that owner's process is gone. */
  ownerGone(column: string): RawBuilder<SqlBool>;
  /**
   * A condition a running worker may put on a lease another owner holds now: true when that owner's process has died
   * since. Where one process owns the store, never: every other owner is one of this process's own workers.
   */
  ownerDied(column: string): RawBuilder<SqlBool>;
}

/** One process owns the store (SQLite): when a worker starts, every lease in it was left by an earlier run. */
export const SOLE_PROCESS_LIVENESS: LeaseLiveness = {
  hold: async () => {},
  ownerGone: () => sql<SqlBool>`1 = 1`,
  ownerDied: () => sql<SqlBool>`1 = 0`,
};
