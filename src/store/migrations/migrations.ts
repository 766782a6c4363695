/** The ordered list of schema migrations; every backend applies the same list, recording each id once. */
import { initial } from './001-initial.js';
import { dispatch } from './002-dispatch.js';
import { webhooks } from './003-webhooks.js';
import { controls } from './004-controls.js';
import { queuedState } from './005-queued-state.js';
import { tenantContactChecks } from './006-tenant-contact-checks.js';
import { mediaChunks } from './007-media-chunks.js';
import { upstreamWaits } from './008-upstream-waits.js';
import { retentionIndexes } from './009-retention-indexes.js';
import { webhookLanes } from './010-webhook-lanes.js';
import { deliveryControl } from './011-delivery-control.js';
import { contactIdentity } from './012-contact-identity.js';
import { healthAndPricing } from './013-health-and-pricing.js';
import { smsConnectors } from './014-sms-connectors.js';
import { smsSubmits } from './015-sms-submits.js';
import { smallerRows } from './016-smaller-rows.js';
import { outboxByNumber } from './017-outbox-by-number.js';

export interface Migration {
  readonly id: number;
  readonly name: string;
  /** SQL in the common subset (TEXT, BIGINT, INTEGER); BLOB is the one type a PostgreSQL migrator must read as BYTEA, and a closing WITHOUT ROWID the one clause it leaves out. */
  readonly statements: readonly string[];
}

/** Where each engine records the migrations it applied. */
export const SCHEMA_MIGRATIONS_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';

export const MIGRATIONS: readonly Migration[] = [initial, dispatch, webhooks, controls, queuedState, tenantContactChecks, mediaChunks, upstreamWaits, retentionIndexes, webhookLanes, deliveryControl, contactIdentity, healthAndPricing, smsConnectors, smsSubmits, smallerRows, outboxByNumber];

/** The migrations not yet recorded as applied, in order. */
export function pendingMigrations(applied: ReadonlySet<number>): Migration[] {
  return MIGRATIONS.filter((migration) => !applied.has(migration.id));
}
