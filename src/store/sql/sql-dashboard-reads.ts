/**
 * The dashboard's reads, written once for every engine: grouped counts by time bucket, per number and per endpoint,
 * and one message's events and webhook attempts. Counts and BIGINTs come back as strings from PostgreSQL, hence Number().
 */
import { sql } from 'kysely';
import type {
  DashboardReads, EndpointActivity, FailureCount, HistoryAttempt, HistoryEvent, MessageHistory, NumberActivity, StatsWindow, StatusCount,
} from '../dashboard-store.js';
import type { StoredError } from '../../catalog/error-summary.js';
import { toMessage } from './rows.js';
import type { SqlEngine } from './sql-engine.js';
import { PENDING_DELIVERY } from './webhook-rows.js';

const SENT_WINDOW_MS = 60_000;

/** The bucket start of `created_at`; the width is a validated integer, so it is inlined as a literal. */
function bucketOf(bucketMs: number) {
  return sql<number | string>`created_at - (created_at % ${sql.lit(Math.trunc(bucketMs))})`;
}

export class SqlDashboardReads implements DashboardReads {
  constructor(private readonly engine: SqlEngine) {}

  private messagesIn(window: StatsWindow) {
    return this.engine.db.selectFrom('messages')
      .where('created_at', '>=', window.since).where('created_at', '<', window.until)
      .$if(window.accountId !== null, (q) => q.where('account_id', '=', window.accountId!));
  }

  async statusCounts(window: StatsWindow): Promise<StatusCount[]> {
    const rows = await this.messagesIn(window)
      .select([bucketOf(window.bucketMs).as('at'), 'status', (eb) => eb.fn.countAll().as('count')])
      .groupBy(['at', 'status']).orderBy('at').execute();
    return rows.map((row) => ({ at: Number(row.at), status: row.status, count: Number(row.count) }));
  }

  /** Grouped by the stored error text, then merged by catalog entry here: the text differs in its detail only. */
  async failureCounts(window: StatsWindow): Promise<FailureCount[]> {
    const rows = await this.messagesIn(window).where('status', '=', 'failed').where('error', 'is not', null)
      .select([bucketOf(window.bucketMs).as('at'), 'error', (eb) => eb.fn.countAll().as('count')])
      .groupBy(['at', 'error']).execute();
    const merged = new Map<string, { at: number; namespace: string; code: number | string; count: number }>();
    for (const row of rows) {
      const error = JSON.parse(row.error!) as StoredError;
      const at = Number(row.at);
      const key = `${at} ${error.namespace} ${String(error.code)}`;
      const seen = merged.get(key) ?? { at, namespace: error.namespace, code: error.code, count: 0 };
      seen.count += Number(row.count);
      merged.set(key, seen);
    }
    return [...merged.values()].sort((a, b) => a.at - b.at);
  }

  async numberActivity(accountId: string | null, now: number): Promise<NumberActivity[]> {
    const db = this.engine.db;
    const [numbers, outbox, sent] = await Promise.all([
      db.selectFrom('phone_numbers').selectAll().$if(accountId !== null, (q) => q.where('account_id', '=', accountId!)).orderBy('id').execute(),
      db.selectFrom('outbox')
        .select(['number_id', (eb) => eb.fn.countAll().as('jobs'), sql<number | string | null>`min(case when due_at <= ${now} then due_at end)`.as('oldest_due_at')])
        .$if(accountId !== null, (q) => q.where('number_id', 'in', db.selectFrom('phone_numbers').select('id').where('account_id', '=', accountId!)))
        .groupBy('number_id').execute(),
      db.selectFrom('events as e').innerJoin('messages as m', 'm.id', 'e.subject_id')
        .select(['m.number_id', (eb) => eb.fn.countAll().as('sent')])
        .where('e.type', '=', 'message.sent').where('e.created_at', '>=', now - SENT_WINDOW_MS)
        .$if(accountId !== null, (q) => q.where('e.account_id', '=', accountId!))
        .groupBy('m.number_id').execute(),
    ]);
    const queues = new Map(outbox.map((row) => [row.number_id, row]));
    const sentBy = new Map(sent.map((row) => [row.number_id, Number(row.sent)]));
    return numbers.map((n) => {
      const queue = queues.get(n.id);
      return {
        numberId: n.id, accountId: n.account_id, displayPhoneNumber: n.display_phone_number, registration: n.registration, maxMps: n.max_mps,
        paused: n.paused === 1, heldUntil: n.held_until === null ? null : Number(n.held_until), holdError: n.hold_error,
        jobs: queue ? Number(queue.jobs) : 0,
        oldestDueAt: queue?.oldest_due_at === null || queue?.oldest_due_at === undefined ? null : Number(queue.oldest_due_at),
        sentLastMinute: sentBy.get(n.id) ?? 0,
      };
    });
  }

  async endpointActivity(accountId: string | null, since: number): Promise<EndpointActivity[]> {
    const db = this.engine.db;
    const [endpoints, pending, attempts] = await Promise.all([
      db.selectFrom('webhook_endpoints').select(['id', 'account_id', 'url', 'enabled'])
        .$if(accountId !== null, (q) => q.where('account_id', '=', accountId!)).orderBy('id').execute(),
      db.selectFrom('webhook_deliveries').select(['endpoint_id', (eb) => eb.fn.countAll().as('pending')])
        .where('status', '=', PENDING_DELIVERY).$if(accountId !== null, (q) => q.where('account_id', '=', accountId!)).groupBy('endpoint_id').execute(),
      db.selectFrom('webhook_attempts').select(['endpoint_id', 'outcome', (eb) => eb.fn.countAll().as('count')])
        .where('created_at', '>=', since)
        .$if(accountId !== null, (q) => q.where('endpoint_id', 'in', db.selectFrom('webhook_endpoints').select('id').where('account_id', '=', accountId!)))
        .groupBy(['endpoint_id', 'outcome']).execute(),
    ]);
    const pendingBy = new Map(pending.map((row) => [row.endpoint_id, Number(row.pending)]));
    return endpoints.map((e) => {
      const mine = attempts.filter((a) => a.endpoint_id === e.id);
      const delivered = mine.filter((a) => a.outcome === 'delivered').reduce((sum, a) => sum + Number(a.count), 0);
      const all = mine.reduce((sum, a) => sum + Number(a.count), 0);
      return { endpointId: e.id, accountId: e.account_id, url: e.url, enabled: e.enabled === 1, pending: pendingBy.get(e.id) ?? 0, delivered, notDelivered: all - delivered };
    });
  }

  async messageHistory(accountId: string | null, messageId: string): Promise<MessageHistory | undefined> {
    const db = this.engine.db;
    const row = await db.selectFrom('messages').selectAll().where('id', '=', messageId)
      .$if(accountId !== null, (q) => q.where('account_id', '=', accountId!)).executeTakeFirst();
    if (!row) return undefined;
    // The time bound lets the account/time and attempt-time indexes narrow what is scanned.
    const eventRows = await db.selectFrom('events').select(['id', 'type', 'payload', 'created_at'])
      .where('account_id', '=', row.account_id).where('created_at', '>=', row.created_at).where('subject_id', '=', row.id)
      .orderBy('created_at').orderBy('id').execute();
    const job = await db.selectFrom('outbox').select(['attempts', 'first_attempt_at', 'due_at']).where('message_id', '=', row.id).executeTakeFirst();
    const events: HistoryEvent[] = eventRows.map((e) => ({ id: e.id, type: e.type, at: Number(e.created_at), data: JSON.parse(e.payload) as Record<string, unknown> }));
    const attemptRows = events.length === 0 ? [] : await db.selectFrom('webhook_attempts').selectAll()
      .where('created_at', '>=', row.created_at).where('event_id', 'in', events.map((e) => e.id)).orderBy('created_at').orderBy('id').execute();
    const attempts: HistoryAttempt[] = attemptRows.map((a) => ({
      id: a.id, endpointId: a.endpoint_id, eventId: a.event_id, trigger: a.trigger, outcome: a.outcome, statusCode: a.status_code,
      durationMs: Number(a.duration_ms), excerpt: a.response_excerpt, at: Number(a.created_at),
    }));
    const pending = job ? { attempts: Number(job.attempts), firstAttemptAt: job.first_attempt_at === null ? null : Number(job.first_attempt_at), dueAt: Number(job.due_at) } : null;
    return { message: toMessage(row), pending, events, attempts };
  }
}
