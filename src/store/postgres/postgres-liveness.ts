/**
 * Lease liveness on PostgreSQL: each worker's name is held as an advisory lock by its process's session, which the
 * server drops when the process dies, so a lease whose owner holds no such lock belongs to a dead process.
 */
import { sql, type SqlBool } from 'kysely';
import type { LeaseLiveness } from '../sql/lease-liveness.js';
import { LEASE_OWNER_LOCK_SPACE, type PostgresSession } from './postgres-session.js';

function ownerLockMissing(column: string) {
  return sql<SqlBool>`NOT EXISTS (
      SELECT 1 FROM pg_locks AS l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ${sql.lit(LEASE_OWNER_LOCK_SPACE)}::oid AND l.objid = hashtext(${sql.ref(column)})::oid)`;
}

/** At start and while running alike, an owner whose lock no session holds is gone. */
export function postgresLiveness(session: PostgresSession): LeaseLiveness {
  return {
    hold: (owner) => session.holdLeaseOwner(owner),
    ownerGone: ownerLockMissing,
    ownerDied: ownerLockMissing,
  };
}
