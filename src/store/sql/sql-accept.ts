/**
 * The one accept transaction, for every engine and wherever it runs (SQLite's writer thread, PostgreSQL in-process):
 * for each send the counts its limits need are read inside the transaction, the domain's rules decide (spam control,
 * messaging limit, credit), and only an allowed send writes anything (its count, its debit and reserve row, message,
 * outbox job and message.accepted event). An idempotent request's outcome is a conditional write in the same
 * transaction, in a savepoint of its own, so a request that lost its key to another is undone alone.
 */
import { sql, type Kysely } from 'kysely';
import type { GatewayCode } from '../../catalog/entries/gateway.js';
import { ALLOW, type RuleDecision } from '../../domain/decision.js';
import { LANE_OF, rankOf } from '../../domain/delivery.js';
import { INITIAL_STATE, SCHEDULED_STATE } from '../../domain/message-state.js';
import { checkCredit } from '../../domain/preflight/credit.js';
import { checkMessagingLimit, type MessagingFacts } from '../../domain/preflight/messaging-limit.js';
import { checkSpamControl } from '../../domain/preflight/spam-control.js';
import type { StoredResponse } from '../store.js';
import type { AcceptRequest, AcceptRow, ItemOutcome, RequestOutcome } from './accept-writer.js';
import { perLength, powerOfTwoRuns, precompile, rowSlots } from './precompiled.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';
import { saveOutcomeQuery } from './sql-idempotency.js';
import { TemplateRecipientMirror } from './template-recipient-mirror.js';

/** The response an idempotent request stores, built by its caller from the decided items. */
export type Respond = (requestIndex: number, items: readonly ItemOutcome[]) => StoredResponse;

/** Commits a group of requests in one write transaction of the engine; answers one outcome per request, in order. */
export type AcceptTransaction = (requests: readonly AcceptRequest[], respond: Respond) => Promise<RequestOutcome[]>;

const ACCEPTED: ItemOutcome = { kind: 'accepted' };
const SAVEPOINT = sql.raw('accept_request');

class IdempotencyTaken extends Error {}

function refusalOf(decision: Exclude<RuleDecision, { kind: 'allow' }>): ItemOutcome {
  const { error } = decision;
  return {
    kind: 'refused',
    refusal: {
      code: error.entry.code as GatewayCode,
      ...(error.detail === undefined ? {} : { detail: error.detail }),
      ...(error.statedRetryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.statedRetryAfterSeconds }),
    },
  };
}

/** States of messages that reached nobody: they count toward no messaging limit. */
const UNSENT_ENDS = ['failed', 'canceled'];

/** 1 when `to` is among the rows' recipients, else 0 or null (no rows). */
function sentTo(to: string) {
  return sql<number | null>`max(case when ${sql.ref('recipient')} = ${to} then 1 else 0 end)`;
}

/**
 * The template recipients an account reached since `since` (failed and canceled sends reached nobody), from the messages table:
 * how many, whether `to` is one of them and when the least recent of them was last sent to.
 */
async function readMessagingFacts(trx: Kysely<Database>, accountId: string, to: string, since: number): Promise<MessagingFacts> {
  const row = await trx
    .selectFrom((eb) => eb.selectFrom('messages').select(['recipient', (e) => e.fn.max('created_at').as('at')])
      .where('account_id', '=', accountId).where('type', '=', 'template').where('created_at', '>', since).where('status', 'not in', UNSENT_ENDS)
      .groupBy('recipient').as('reached'))
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('at').as('oldest'), sentTo(to).as('mine')])
    .executeTakeFirstOrThrow();
  return { uniqueRecipients: Number(row.n), recipientCounted: Number(row.mine) === 1, oldestAt: row.oldest === null ? null : Number(row.oldest) };
}

/** A message with a later `send_at` waits as scheduled; its job is due then. */
const stateOf = (m: AcceptRow) => (m.delivery?.sendAt ? SCHEDULED_STATE : INITIAL_STATE);
const dueAtOf = (m: AcceptRow, now: number) => m.delivery?.sendAt ?? now;

/** A failover with `after_seconds` is due that long after the message may leave. */
const failoverDueAt = (m: AcceptRow, now: number) => (m.failover?.afterSeconds === undefined ? null : dueAtOf(m, now) + m.failover.afterSeconds * 1000);

/** An allowed send's three rows, as the group writes them. */
interface AcceptedRows {
  readonly m: AcceptRow;
  readonly now: number;
}

/**
 * The three rows every accepted send writes, written for many sends at once: one multi-row insert per table and run of
 * a power-of-two length, each compiled once (precompiled.ts). On the accept path, the hottest, statements per send
 * were most of the writer's cost (SQLite: one message row took 44 µs through the builder, 17 µs compiled once, 7.5 µs
 * as a bare prepared statement; a group of sends now shares three statements per run).
 */
function precompileInserts(db: Kysely<Database>) {
  return {
    messages: perLength((n) => precompile<readonly AcceptedRows[], unknown>((slot) => db.insertInto('messages').values(rowSlots(slot, n, {
      id: ({ m }) => m.id, account_id: ({ m }) => m.accountId, number_id: ({ m }) => m.numberId, recipient: ({ m }) => m.to, type: ({ m }) => m.type,
      status: ({ m }) => stateOf(m), payload: ({ m }) => JSON.stringify(m.payload), status_times: ({ m, now }) => JSON.stringify({ [stateOf(m)]: now }),
      wamid: () => null, error: () => null, created_at: ({ now }) => now, updated_at: ({ now }) => now,
      client_ref: ({ m }) => m.delivery?.clientRef ?? null, metadata: ({ m }) => (m.delivery?.metadata ? JSON.stringify(m.delivery.metadata) : null),
      priority: ({ m }) => m.delivery?.priority ?? 'normal', send_at: ({ m }) => m.delivery?.sendAt ?? null, expires_at: ({ m }) => m.delivery?.expiresAt ?? null,
      failover: ({ m }) => (m.failover ? JSON.stringify(m.failover) : null), failover_state: ({ m }) => (m.failover ? 'pending' : null),
      failover_due_at: ({ m, now }) => failoverDueAt(m, now),
    })))),
    jobs: perLength((n) => precompile<readonly AcceptedRows[], unknown>((slot) => db.insertInto('outbox').values(rowSlots(slot, n, {
      id: ({ m }) => m.jobId, message_id: ({ m }) => m.id, number_id: ({ m }) => m.numberId, due_at: ({ m, now }) => dueAtOf(m, now), attempts: () => 0,
      lease_owner: () => null, lease_expires_at: () => null, created_at: ({ now }) => now,
      lane: ({ m }) => LANE_OF[m.delivery?.priority ?? 'normal'], rank_at: ({ m, now }) => rankOf(dueAtOf(m, now), m.delivery?.priority ?? 'normal'),
      expires_at: ({ m }) => m.delivery?.expiresAt ?? null,
    })))),
    // The events table's insert (event-rows.ts), with each payload serialised here.
    events: perLength((n) => precompile<readonly AcceptedRows[], unknown>((slot) => db.insertInto('events').values(rowSlots(slot, n, {
      id: ({ m }) => m.acceptedEventId, account_id: ({ m }) => m.acceptedEvent.accountId, type: ({ m }) => m.acceptedEvent.type,
      subject_id: ({ m }) => m.acceptedEvent.subjectId, payload: ({ m }) => JSON.stringify(m.acceptedEvent.data), created_at: ({ now }) => now,
    })))),
  };
}

/** Builds the transaction on `engine`; it keeps what it mirrors between groups. */
export function createAcceptTransaction(engine: Pick<SqlEngine, 'capabilities' | 'transaction' | 'db'>): AcceptTransaction {
  const { capabilities } = engine;
  const inserts = precompileInserts(engine.db);
  // Only the one writer of accepted messages sees every template send, so only it may keep their recipients in memory.
  const mirror = capabilities.singleWriter ? new TemplateRecipientMirror() : undefined;
  let lastPurgedDay: string | undefined;
  /**
   * Allowed sends whose rows are not written yet: they are written together before anything reads them (a count of
   * template sends), before an idempotent request's savepoint begins or ends, and before the commit.
   */
  const unwritten: AcceptedRows[] = [];

  async function writeRows(trx: Kysely<Database>): Promise<void> {
    if (unwritten.length === 0) return;
    const runs = powerOfTwoRuns(unwritten.splice(0));
    for (const insert of [inserts.messages, inserts.jobs, inserts.events])
      for (const run of runs) await trx.executeQuery(insert(run.length)(run));
  }

  async function messagingFacts(trx: Kysely<Database>, m: AcceptRow, since: number): Promise<MessagingFacts> {
    await writeRows(trx);
    if (!mirror) return readMessagingFacts(trx, m.accountId, m.to, since);
    const reached = await mirror.recipients(m.accountId, since, () => trx.selectFrom('messages')
      .select(['recipient', (eb) => eb.fn.max('created_at').as('at')])
      .where('account_id', '=', m.accountId).where('type', '=', 'template').where('created_at', '>', since).where('status', 'not in', UNSENT_ENDS)
      .groupBy('recipient').orderBy('at').execute());
    return mirror.factsOf(reached, m.to);
  }

  /** The rules' decision on `m`, and the credit to debit when it is allowed (0 for an account off prepaid credit). */
  async function decide(trx: Kysely<Database>, m: AcceptRow, now: number): Promise<{ decision: RuleDecision; debit: number }> {
    const { spam, messaging } = m.admission ?? {};
    if (spam) {
      const row = await trx.selectFrom('spam_texts').select((eb) => [eb.fn.countAll().as('n'), sentTo(m.to).as('mine')])
        .where('account_id', '=', m.accountId).where('day', '=', spam.day).where('text_hash', '=', spam.textHash).executeTakeFirstOrThrow();
      const decision = checkSpamControl(spam.threshold, { recipientsToday: Number(row.n), alreadySentTo: Number(row.mine) === 1 }, now);
      if (decision.kind === 'refuse') return { decision, debit: 0 };
    }
    if (messaging) {
      const decision = checkMessagingLimit(messaging.tier, true, await messagingFacts(trx, m, messaging.since), now);
      if (decision.kind === 'refuse') return { decision, debit: 0 };
    }
    if (m.creditCost > 0) {
      const balance = (await trx.selectFrom('accounts').select('credit').where('id', '=', m.accountId).executeTakeFirst())?.credit ?? null;
      return { decision: checkCredit(balance, m.creditCost), debit: balance === null ? 0 : m.creditCost };
    }
    return { decision: ALLOW, debit: 0 };
  }

  async function write(trx: Kysely<Database>, m: AcceptRow, debit: number, now: number): Promise<void> {
    const { spam, messaging } = m.admission ?? {};
    if (spam) {
      await trx.insertInto('spam_texts').values({ account_id: m.accountId, day: spam.day, text_hash: spam.textHash, recipient: m.to })
        .onConflict((oc) => oc.doNothing()).execute();
      // Older days' counts no longer decide anything; the first record of a day clears them.
      if (lastPurgedDay !== spam.day) {
        lastPurgedDay = spam.day;
        await trx.deleteFrom('spam_texts').where('day', '<', spam.day).execute();
      }
    }
    if (messaging) mirror?.reached(m.accountId, m.to, now);
    if (debit > 0) {
      // Conditional, so a balance another writer lowered meanwhile is never overdrawn (the account row is locked or
      // the database has one writer, so this holds; a change of that would fail the group, not overdraw).
      const debited = await trx.updateTable('accounts').set((eb) => ({ credit: eb('credit', '-', debit) }))
        .where('id', '=', m.accountId).where('credit', '>=', debit).executeTakeFirst();
      if (debited.numUpdatedRows === 0n) throw new Error(`the credit of ${m.accountId} changed during its accept transaction`);
      // The reservation's ledger row; settled or refunded by dispatch.
      await trx.insertInto('credit_ledger').values({
        id: `led_reserve_${m.id}`, account_id: m.accountId, message_id: m.id, kind: 'reserve', amount: -debit, note: null, created_at: now,
      }).execute();
    }
    unwritten.push({ m, now });
  }

  async function commitRequest(trx: Kysely<Database>, r: AcceptRequest, index: number, respond: Respond): Promise<ItemOutcome[]> {
    const items: ItemOutcome[] = [];
    for (const m of r.messages) {
      const { decision, debit } = await decide(trx, m, r.now);
      if (decision.kind === 'refuse') items.push(refusalOf(decision));
      else {
        await write(trx, m, debit, r.now);
        items.push(ACCEPTED);
      }
    }
    const i = r.idempotency;
    if (i) {
      await writeRows(trx);
      const saved = await saveOutcomeQuery(trx, i, respond(index, items), r.now).executeTakeFirst();
      if (Number(saved.numInsertedOrUpdatedRows ?? 0n) === 0) throw new IdempotencyTaken();
    }
    return items;
  }

  async function attempt(trx: Kysely<Database>, r: AcceptRequest, index: number, respond: Respond): Promise<RequestOutcome> {
    if (!r.idempotency) return { kind: 'decided', items: await commitRequest(trx, r, index, respond) };
    await writeRows(trx);
    await sql`SAVEPOINT ${SAVEPOINT}`.execute(trx);
    try {
      const items = await commitRequest(trx, r, index, respond);
      await sql`RELEASE SAVEPOINT ${SAVEPOINT}`.execute(trx);
      return { kind: 'decided', items };
    } catch (error) {
      if (!(error instanceof IdempotencyTaken)) throw error;
      await sql`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`.execute(trx);
      await sql`RELEASE SAVEPOINT ${SAVEPOINT}`.execute(trx);
      // The savepoint undid this request's rows; the mirror may hold its recipients, so it is read afresh.
      mirror?.clear();
      return { kind: 'idempotency_taken' };
    }
  }

  /**
   * Where writers run side by side, the counts read below must stay true until the commit: the accounts of the
   * group are locked first, in id order so that two groups cannot wait on each other.
   */
  async function lockAccounts(trx: Kysely<Database>, requests: readonly AcceptRequest[]): Promise<void> {
    if (!capabilities.rowLocks) return;
    const ids = [...new Set(requests.flatMap((r) => r.messages.map((m) => m.accountId)))].sort();
    if (ids.length > 0) await trx.selectFrom('accounts').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
  }

  return async (requests, respond) => {
    try {
      return await engine.transaction(async (trx) => {
        await lockAccounts(trx, requests);
        const outcomes: RequestOutcome[] = [];
        for (const [index, r] of requests.entries()) outcomes.push(await attempt(trx, r, index, respond));
        await writeRows(trx);
        return outcomes;
      });
    } catch (error) {
      // The transaction rolls back: what the mirror learnt from it did not happen, nor do the rows still unwritten.
      unwritten.length = 0;
      mirror?.clear();
      throw error;
    }
  };
}
