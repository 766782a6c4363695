/**
 * The pruning queries, written once over Kysely for every engine: each call removes at most `limit` rows of one
 * table (oldest first, by the indexes of migration 9) past the cutoff that domain/retention.ts sets, and only rows
 * nothing uses any more, so a caller can yield between calls and never hold the database for long.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SETTLED_MESSAGE_STATES, type RetainedTable } from '../../domain/retention.js';
import type { Database } from './schema.js';

export type PrunedTable = Exclude<RetainedTable, 'credit_ledger'>;

/** Another pruner folded some of the same ledger rows first; this fold is rolled back. */
class LedgerFoldRaced extends Error {}

// Literals, not parameters: the planners use a partial index only when the query spells its condition (migration 9).
const settledStates = SETTLED_MESSAGE_STATES.map((state) => sql.lit(state));
const PENDING_DELIVERY = sql.lit('pending');
const FATE_KINDS = [sql.lit('settle'), sql.lit('refund')];

export class RetentionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Removes up to `limit` rows of `table` at or before `cutoff` that may go; answers how many went. */
  async pruneBatch(table: PrunedTable, cutoff: number, limit: number): Promise<number> {
    if (table === 'media') return this.pruneMedia(cutoff, limit);
    const result = await this.deleteQuery(table, cutoff, limit).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private deleteQuery(table: Exclude<PrunedTable, 'media'>, cutoff: number, limit: number) {
    const db = this.db;
    switch (table) {
      case 'messages':
        return db.deleteFrom('messages').where('id', 'in', (eb) =>
          eb.selectFrom('messages').select('id')
            .where('status', 'in', settledStates).where('created_at', '<=', cutoff)
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom('outbox').select('outbox.id').whereRef('outbox.message_id', '=', 'messages.id'))))
            .orderBy('created_at').limit(limit));
      case 'events':
        return db.deleteFrom('events').where('id', 'in', (eb) =>
          eb.selectFrom('events').select('id')
            .where('fanned_out_at', 'is not', null).where('created_at', '<=', cutoff)
            .where(({ not, exists, selectFrom }) => not(exists(
              selectFrom('webhook_deliveries').select('webhook_deliveries.id').whereRef('webhook_deliveries.event_id', '=', 'events.id'))))
            .orderBy('created_at').limit(limit));
      case 'webhook_deliveries':
        return db.deleteFrom('webhook_deliveries').where('id', 'in', (eb) =>
          eb.selectFrom('webhook_deliveries').select('id').where('status', '<>', PENDING_DELIVERY).where('updated_at', '<=', cutoff)
            .orderBy('updated_at').limit(limit));
      case 'webhook_attempts':
        return db.deleteFrom('webhook_attempts').where('id', 'in', (eb) =>
          eb.selectFrom('webhook_attempts').select('id').where('created_at', '<=', cutoff).orderBy('created_at').limit(limit));
      case 'meta_webhooks':
        return db.deleteFrom('meta_webhooks').where('id', 'in', (eb) =>
          eb.selectFrom('meta_webhooks').select('id').where('applied_at', 'is not', null).where('received_at', '<=', cutoff)
            .orderBy('received_at').limit(limit));
      case 'inbound_messages':
        return db.deleteFrom('inbound_messages').where('wamid', 'in', (eb) =>
          eb.selectFrom('inbound_messages').select('wamid').where('received_at', '<=', cutoff).orderBy('received_at').limit(limit));
      case 'idempotency_keys':
        return db.deleteFrom('idempotency_keys').where((eb) =>
          eb(eb.refTuple('account_id', 'idempotency_key'), 'in',
            eb.selectFrom('idempotency_keys').select(['account_id', 'idempotency_key']).where('created_at', '<=', cutoff).orderBy('created_at').limit(limit).$asTuple('account_id', 'idempotency_key')));
    }
  }

  /** An upload and its chunks go together, in one transaction, so no half-deleted file is ever visible. */
  private async pruneMedia(cutoff: number, limit: number): Promise<number> {
    const rows = await this.db.selectFrom('media').select('id').where('created_at', '<=', cutoff).orderBy('created_at').limit(limit).execute();
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('media_chunks').where('media_id', 'in', ids).execute();
      const result = await trx.deleteFrom('media').where('id', 'in', ids).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /** Accounts in id order after `after`: the ledger is compacted one account at a time. */
  async accountsAfter(after: string | null, limit: number): Promise<string[]> {
    let query = this.db.selectFrom('accounts').select('id').orderBy('id').limit(limit);
    if (after !== null) query = query.where('id', '>', after);
    return (await query.execute()).map((r) => r.id);
  }

  /**
   * Folds up to `limit` of the account's oldest ledger rows at or before `cutoff` into one balance-forward row dated
   * like the newest of them (so the ledger keeps its order and its sum). A reservation whose message is neither settled
   * nor refunded stays: both outcome statements read it. Answers the rows folded (0 when fewer than two could be).
   */
  async compactLedger(accountId: string, cutoff: number, limit: number): Promise<number> {
    const rows = await this.db.selectFrom('credit_ledger as l').select(['l.id', 'l.amount', 'l.created_at'])
      .where('l.account_id', '=', accountId).where('l.created_at', '<=', cutoff)
      .where((eb) => eb.or([
        eb('l.message_id', 'is', null),
        eb.exists(eb.selectFrom('credit_ledger as fate').select('fate.id').whereRef('fate.message_id', '=', 'l.message_id').where('fate.kind', 'in', FATE_KINDS)),
      ]))
      .orderBy('l.created_at').orderBy('l.id').limit(limit).execute();
    if (rows.length < 2) return 0;
    const ids = rows.map((r) => r.id);
    // BIGINT columns come back as strings from some drivers.
    const amount = rows.reduce((sum, r) => sum + Number(r.amount), 0);
    const at = Number(rows.at(-1)!.created_at);
    try {
      await this.db.transaction().execute(async (trx) => {
        const deleted = await trx.deleteFrom('credit_ledger').where('id', 'in', ids).executeTakeFirst();
        if (Number(deleted.numDeletedRows) !== ids.length) throw new LedgerFoldRaced();
        await trx.insertInto('credit_ledger').values({
          id: `led_forward_${randomUUID()}`, account_id: accountId, message_id: null, kind: 'forward', amount,
          note: 'balance forward', created_at: at,
        }).execute();
      });
    } catch (error) {
      if (error instanceof LedgerFoldRaced) return 0;
      throw error;
    }
    return ids.length;
  }
}
