/**
 * The one accept transaction: for each send, the counts its limits need are read inside the transaction, the domain's
 * rules decide (spam control, messaging limit, credit), and only an allowed send writes anything (its counts, its
 * debit and reserve row, message, outbox job and message.accepted event). An idempotent request's outcome is a
 * conditional write in the same transaction. Run by the writer thread (sqlite-writer-worker.ts) on its connection.
 */
import type { GatewayCode } from '../../catalog/entries/gateway.js';
import { checkCredit } from '../../domain/preflight/credit.js';
import { checkMessagingLimit } from '../../domain/preflight/messaging-limit.js';
import { checkSpamControl } from '../../domain/preflight/spam-control.js';
import { ALLOW, type RuleDecision } from '../../domain/decision.js';
import { IDEMPOTENCY_TTL_MS } from '../../domain/idempotency.js';
import type { AcceptAdmission, StoredResponse } from '../store.js';
import type { SqliteDatabase } from './sqlite-database.js';

export interface MessageRowInput {
  readonly id: string;
  readonly jobId: string;
  readonly accountId: string;
  readonly numberId: string;
  readonly to: string;
  readonly type: string;
  readonly status: string;
  /** JSON text: serialised on the main thread so the transaction only binds values. */
  readonly payload: string;
  readonly statusTimes: string;
  readonly creditCost: number;
  readonly admission?: AcceptAdmission;
  /** The message.accepted event's id and payload (JSON text), built by its domain builder. */
  readonly acceptedEventId: string;
  readonly acceptedEvent: string;
}

export interface GroupRequest {
  readonly now: number;
  readonly messages: readonly MessageRowInput[];
  readonly idempotency?: { readonly accountId: string; readonly key: string; readonly requestHash: string };
}

/** A refusal as plain data, so it can cross the thread boundary; the catalog entry is found again by its code. */
export interface RefusalData {
  readonly code: GatewayCode;
  readonly detail?: string;
  readonly retryAfterSeconds?: number;
}

export type ItemOutcome = { readonly kind: 'accepted' } | { readonly kind: 'refused'; readonly refusal: RefusalData };
export type RequestOutcome =
  | { readonly kind: 'decided'; readonly items: readonly ItemOutcome[] }
  /** Another request stored an outcome under this Idempotency-Key first: nothing of this request was written. */
  | { readonly kind: 'idempotency_taken' };

/** The response an idempotent request stores, built by its caller from the decided items. */
export type Respond = (requestIndex: number, items: readonly ItemOutcome[]) => StoredResponse;

export interface AcceptTransactionOptions {
  /**
   * Keep the messaging-limit recipients in memory after the first read: right only when this connection is the one
   * writer of accepted messages (the store's `singleWriter`); otherwise they are read from the messages table each time.
   */
  readonly mirrorTemplateRecipients: boolean;
}

const ACCEPTED: ItemOutcome = { kind: 'accepted' };

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

function prepareStatements(db: SqliteDatabase) {
  return {
    insertMessage: db.prepare(
      `INSERT INTO messages (id, account_id, number_id, recipient, type, status, payload, status_times, wamid, error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
    ),
    insertJob: db.prepare(
      'INSERT INTO outbox (id, message_id, number_id, due_at, attempts, lease_owner, lease_expires_at, created_at) VALUES (?, ?, ?, ?, 0, NULL, NULL, ?)',
    ),
    insertAcceptedEvent: db.prepare(
      `INSERT INTO events (id, account_id, type, subject_id, payload, created_at) VALUES (?, ?, 'message.accepted', ?, ?, ?)`,
    ),
    balance: db.prepare('SELECT credit FROM accounts WHERE id = ?').pluck(),
    debit: db.prepare('UPDATE accounts SET credit = credit - ? WHERE id = ? AND credit IS NOT NULL'),
    // The reservation's ledger row (migration 004); settled or refunded by dispatch (sql/sql-credit.ts).
    reserve: db.prepare("INSERT INTO credit_ledger (id, account_id, message_id, kind, amount, note, created_at) VALUES (?, ?, ?, 'reserve', ?, NULL, ?)"),
    spamCount: db.prepare('SELECT count(*) AS n, max(recipient = ?) AS mine FROM spam_texts WHERE account_id = ? AND day = ? AND text_hash = ?'),
    spamRecord: db.prepare('INSERT OR IGNORE INTO spam_texts (account_id, day, text_hash, recipient) VALUES (?, ?, ?, ?)'),
    spamPurge: db.prepare('DELETE FROM spam_texts WHERE day < ?'),
    // Failed sends reached nobody, so they do not count towards the limit.
    templateRecipients: db.prepare(
      `SELECT recipient, max(created_at) AS at FROM messages
       WHERE account_id = ? AND type = 'template' AND created_at > ? AND status != 'failed' GROUP BY recipient ORDER BY at`,
    ),
    // Written only when no live outcome is stored under the key (an expired one is replaced).
    saveIdempotency: db.prepare(
      `INSERT INTO idempotency_keys (account_id, idempotency_key, request_hash, status_code, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, idempotency_key) DO UPDATE SET request_hash = excluded.request_hash, status_code = excluded.status_code,
         body = excluded.body, created_at = excluded.created_at
       WHERE idempotency_keys.created_at <= ?`,
    ),
  };
}

/** Builds the transaction on `db`: call it with a group of requests; answers one outcome per request, in order. */
export function createAcceptTransaction(db: SqliteDatabase, options: AcceptTransactionOptions) {
  const stmts = prepareStatements(db);
  /** Per account: recipient → last template send, oldest first (see `mirrorTemplateRecipients`). */
  const mirror = new Map<string, Map<string, number>>();
  let lastPurgedDay: string | undefined;

  function templateRecipients(accountId: string, since: number): Map<string, number> {
    let reached = options.mirrorTemplateRecipients ? mirror.get(accountId) : undefined;
    if (!reached) {
      reached = new Map();
      for (const r of stmts.templateRecipients.all(accountId, since) as { recipient: string; at: number }[]) reached.set(r.recipient, r.at);
      if (options.mirrorTemplateRecipients) mirror.set(accountId, reached);
    }
    for (const [recipient, at] of reached) {
      if (at > since) break;
      reached.delete(recipient);
    }
    return reached;
  }

  function decide(m: MessageRowInput, now: number): RuleDecision {
    const { spam, messaging } = m.admission ?? {};
    if (spam) {
      const row = stmts.spamCount.get(m.to, m.accountId, spam.day, spam.textHash) as { n: number; mine: number | null };
      const decision = checkSpamControl(spam.threshold, { recipientsToday: row.n, alreadySentTo: row.mine === 1 }, now);
      if (decision.kind === 'refuse') return decision;
    }
    if (messaging) {
      const reached = templateRecipients(m.accountId, messaging.since);
      const oldest = reached.values().next();
      const facts = { uniqueRecipients: reached.size, recipientCounted: reached.has(m.to), oldestAt: oldest.done ? null : oldest.value };
      const decision = checkMessagingLimit(messaging.tier, true, facts, now);
      if (decision.kind === 'refuse') return decision;
    }
    if (m.creditCost > 0) return checkCredit((stmts.balance.get(m.accountId) as number | null | undefined) ?? null, m.creditCost);
    return ALLOW;
  }

  function write(m: MessageRowInput, now: number): void {
    const { spam, messaging } = m.admission ?? {};
    if (spam) {
      stmts.spamRecord.run(m.accountId, spam.day, spam.textHash, m.to);
      // Older days' counts no longer decide anything; the first record of a day clears them.
      if (lastPurgedDay !== spam.day) {
        lastPurgedDay = spam.day;
        stmts.spamPurge.run(spam.day);
      }
    }
    if (messaging && options.mirrorTemplateRecipients) {
      // Re-inserted at the end, so the map stays ordered by last send and its first entry is the oldest.
      const reached = templateRecipients(m.accountId, messaging.since);
      reached.delete(m.to);
      reached.set(m.to, now);
    }
    if (m.creditCost > 0) {
      stmts.debit.run(m.creditCost, m.accountId);
      stmts.reserve.run(`led_reserve_${m.id}`, m.accountId, m.id, -m.creditCost, now);
    }
    stmts.insertMessage.run(m.id, m.accountId, m.numberId, m.to, m.type, m.status, m.payload, m.statusTimes, now, now);
    stmts.insertJob.run(m.jobId, m.id, m.numberId, now, now);
    stmts.insertAcceptedEvent.run(m.acceptedEventId, m.accountId, m.id, m.acceptedEvent, now);
  }

  function commitRequest(r: GroupRequest, index: number, respond: Respond): ItemOutcome[] {
    const items = r.messages.map((m) => {
      const decision = decide(m, r.now);
      if (decision.kind === 'refuse') return refusalOf(decision);
      write(m, r.now);
      return ACCEPTED;
    });
    const i = r.idempotency;
    if (i) {
      const response = respond(index, items);
      const saved = stmts.saveIdempotency.run(i.accountId, i.key, i.requestHash, response.statusCode, JSON.stringify(response.body), r.now, r.now - IDEMPOTENCY_TTL_MS);
      if (saved.changes === 0) throw new IdempotencyTaken();
    }
    return items;
  }
  // Called inside the group's transaction, so it runs in a savepoint: only an idempotent request can be undone alone.
  const commitIdempotentRequest = db.transaction(commitRequest);

  function attempt(r: GroupRequest, index: number, respond: Respond): RequestOutcome {
    if (!r.idempotency) return { kind: 'decided', items: commitRequest(r, index, respond) };
    try {
      return { kind: 'decided', items: commitIdempotentRequest(r, index, respond) };
    } catch (error) {
      if (!(error instanceof IdempotencyTaken)) throw error;
      // The savepoint undid this request's rows; the mirror may hold its recipients, so it is read afresh.
      mirror.clear();
      return { kind: 'idempotency_taken' };
    }
  }

  const commitGroup = db.transaction((requests: readonly GroupRequest[], respond: Respond): RequestOutcome[] =>
    requests.map((r, index) => attempt(r, index, respond)),
  );

  return (requests: readonly GroupRequest[], respond: Respond): RequestOutcome[] => {
    try {
      // IMMEDIATE: the transaction reads counts before it writes, and a read snapshot that another connection's commit
      // outdated cannot become a write (SQLite answers "database is locked" without waiting); taking the write lock
      // first makes the counts it reads the ones it writes on.
      return commitGroup.immediate(requests, respond);
    } catch (error) {
      mirror.clear();
      throw error;
    }
  };
}
