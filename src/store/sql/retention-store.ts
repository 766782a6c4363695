/**
 * The pruning queries, written once over Kysely for every engine: each call removes at most `limit` rows of one
 * table (oldest first, by the indexes of migration 9) past the cutoff that domain/retention.ts sets, and only rows
 * nothing uses any more, so a caller can yield between calls and never hold the database for long.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SETTLED_MESSAGE_STATES, type RetainedTable } from '../../domain/retention.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';
import { PENDING_DELIVERY } from './webhook-rows.js';

export type PrunedTable = Exclude<RetainedTable, 'credit_ledger'>;

// Literals, not parameters: the planners use a partial index only when the query spells its condition (migration 9).
const settledStates = SETTLED_MESSAGE_STATES.map((state) => sql.lit(state));
const FATE_KINDS = [sql.lit('settle'), sql.lit('refund')];

export class RetentionStore {
  private readonly db: Kysely<Database>;

  /**
   * Each multi-statement step goes through `runAtomically`, never an awaited transaction: on SQLite an await inside
   * an open write transaction would leave the lock held while the main thread's synchronous statements wait it out.
   */
  constructor(private readonly engine: SqlEngine) {
    this.db = engine.db;
  }

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
        // By the whole key: attempts are keyed by (endpoint, id), and no index finds an id alone (migration 16).
        return db.deleteFrom('webhook_attempts').where((eb) =>
          eb(eb.refTuple('endpoint_id', 'id'), 'in',
            eb.selectFrom('webhook_attempts').select(['endpoint_id', 'id']).where('created_at', '<=', cutoff).orderBy('created_at').limit(limit).$asTuple('endpoint_id', 'id')));
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
    const [, uploads] = await this.engine.runAtomically([
      this.db.deleteFrom('media_chunks').where('media_id', 'in', ids).compile(),
      this.db.deleteFrom('media').where('id', 'in', ids).compile(),
    ]);
    return Number(uploads!.numAffectedRows ?? 0);
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
    const [, , folded] = await this.engine.runAtomically(this.foldStatements(accountId, ids));
    return Number(folded!.numAffectedRows ?? 0) === ids.length ? ids.length : 0;
  }

  /**
   * The fold as statements whose effect SQL decides, so nothing is read between them: the balance-forward row is
   * written only while every chosen row is still there, and the chosen rows go only if it was. Locking the account
   * first serialises two folds of one account where several writers share the database (PostgreSQL): the second then
   * sees the rows gone and writes nothing, so the ledger never counts a row twice.
   */
  private foldStatements(accountId: string, ids: string[]) {
    const forwardId = `led_forward_${randomUUID()}`;
    const db = this.db;
    return [
      db.updateTable('accounts').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', accountId).compile(),
      db.insertInto('credit_ledger').columns(['id', 'account_id', 'message_id', 'kind', 'amount', 'note', 'created_at'])
        .expression((eb) => eb.selectFrom('credit_ledger')
          .select([
            eb.val(forwardId).as('id'), eb.val(accountId).as('account_id'), sql<null>`NULL`.as('message_id'), eb.val('forward').as('kind'),
            eb.fn.sum<number>('amount').as('amount'), eb.val('balance forward').as('note'), eb.fn.max('created_at').as('created_at'),
          ])
          .where('account_id', '=', accountId).where('id', 'in', ids)
          .groupBy('account_id').having((h) => h.fn.countAll(), '=', ids.length))
        .compile(),
      db.deleteFrom('credit_ledger').where('id', 'in', ids)
        .where((eb) => eb.exists(eb.selectFrom('credit_ledger as forward').select('forward.id').where('forward.id', '=', forwardId)))
        .compile(),
    ];
  }
}
