/**
 * SMS messages in the shared outbox, written once for every engine: an SMS job's number_id is its routed connector,
 * so the WhatsApp claim (joined to phone_numbers) never sees it and this claim (joined to sms_connectors) sees nothing
 * else. The SMS centre's ids are kept per segment; a receipt finds its message by them, also after a restart.
 */
import { findEntry } from '../../catalog/catalog.js';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import type { Namespace } from '../../catalog/entry.js';
import { messageFailedEvent, messageProgressEvent } from '../../domain/events.js';
import type { ReceiptOutcome } from '../../domain/sms/receipt.js';
import { smsMessageRef } from '../../domain/sms/message-ref.js';
import { messageOutcome } from '../../domain/sms/segment-receipts.js';
import type { ClaimRequest } from '../../runtime/job-queue.js';
import type { DispatchJob } from '../dispatch-store.js';
import type { SmsReceiptResult, SmsRetryRule } from '../sms-store.js';
import { errorJson } from './error-json.js';
import { insertEvent } from './event-rows.js';
import { transitionQuery } from './message-transition.js';
import type { SqlEngine } from './sql-engine.js';
import type { Kysely } from 'kysely';
import { LANE_OF, rankOf, type Priority } from '../../domain/delivery.js';
import { newId } from '../ids.js';
import type { Database } from './schema.js';

const DELIVERED = 'delivered';
const NOT_YET_SENT: readonly string[] = ['accepted', 'queued'];

function outcomeText(outcome: ReceiptOutcome): string | null {
  if (outcome.kind === 'pending') return null;
  return outcome.kind === 'delivered' ? DELIVERED : `${outcome.entry.namespace}:${outcome.entry.code}`;
}

function outcomeOf(text: string | null): ReceiptOutcome | undefined {
  if (text === null) return undefined;
  if (text === DELIVERED) return { kind: 'delivered' };
  const [namespace, code] = text.split(':') as [Namespace, string];
  const entry = findEntry(namespace, code);
  return entry ? { kind: 'failed', entry } : undefined;
}

/** Due SMS jobs of enabled connectors, leased to `owner`. */
/** The due, unleased jobs of enabled SMS connectors, in rank order. */
function dueSmsJobs(db: Kysely<Database>, connectorIds: readonly string[], now: number, limit: number) {
  return db.selectFrom('outbox as o')
    .select(['o.id', 'o.message_id', 'o.calling_since', 'o.number_id'])
    .where('o.number_id', 'in', connectorIds).where('o.due_at', '<=', now)
    .where((eb) => eb.or([eb('o.lease_expires_at', 'is', null), eb('o.lease_expires_at', '<=', now)]))
    .orderBy('o.rank_at').limit(limit);
}

/**
 * Claims SMS jobs. It polls often, so it looks before it locks: the connectors first (a small table), then their jobs,
 * and only when some are due does it take the write lock (SQLite) or the rows (PostgreSQL) to lease them.
 */
export async function claimSmsJobs(engine: SqlEngine, { owner, now, leaseMs, limit }: ClaimRequest): Promise<DispatchJob[]> {
  const { capabilities, db } = engine;
  const connectorIds = (await db.selectFrom('sms_connectors').select('id').where('enabled', '=', 1).execute()).map((c) => c.id);
  if (connectorIds.length === 0 || (await dueSmsJobs(db, connectorIds, now, 1).execute()).length === 0) return [];
  return engine.transaction(async (trx) => {
    const due = await dueSmsJobs(trx, connectorIds, now, limit)
      .$if(capabilities.skipLocked, (q) => q.forUpdate('o').skipLocked())
      .$if(capabilities.rowLocks && !capabilities.skipLocked, (q) => q.forUpdate('o'))
      .execute();
    if (due.length === 0) return [];
    await trx.updateTable('outbox')
      .set((eb) => ({ lease_owner: owner, lease_expires_at: now + leaseMs, first_attempt_at: eb.fn.coalesce('first_attempt_at', eb.val(now)) }))
      .where('id', 'in', due.map((job) => job.id)).execute();
    return due.map((job) => ({ id: job.id, messageId: job.message_id, numberId: job.number_id, interrupted: job.calling_since !== null, probe: false }));
  });
}

/**
 * Keeps the segments' ids and ties the first to the message, one transaction: a job reclaimed after a crash finds its
 * message sent (the call mark answers `sent`) and is settled without a second submit.
 */
/** A failed submit goes again at `dueAt`: only from `sent` (a receipt that overtook its own `sent` fails the message). */
export async function resubmitSms(engine: Pick<SqlEngine, 'jsonWithNumber'>, trx: Kysely<Database>, messageId: string, connectorId: string, attempts: number, dueAt: number, error: SwitchboardError, now: number): Promise<boolean> {
  const moved = await transitionQuery(engine, trx, 'resubmit', { id: messageId, now, error: errorJson(error) }).executeTakeFirst();
  if (moved.numUpdatedRows === 0n) return false;
  // The next submit's ids tie themselves to the message afresh; the call mark must not find this one's.
  await trx.updateTable('messages').set({ wamid: null }).where('id', '=', messageId).execute();
  const message = await trx.selectFrom('messages').select(['created_at', 'priority', 'expires_at']).where('id', '=', messageId).executeTakeFirstOrThrow();
  const priority = message.priority as Priority;
  await trx.insertInto('outbox').values({
    id: newId('job', now), message_id: messageId, number_id: connectorId, due_at: dueAt, attempts, lease_owner: null, lease_expires_at: null,
    created_at: now, first_attempt_at: message.created_at, lane: LANE_OF[priority], rank_at: rankOf(dueAt, priority), expires_at: message.expires_at,
  }).onConflict((oc) => oc.column('message_id').doNothing()).execute();
  return true;
}

export async function recordSmsSubmits(engine: SqlEngine, messageId: string, connectorId: string, smscMessageIds: readonly string[], now: number): Promise<void> {
  const [first] = smscMessageIds;
  if (first === undefined) return;
  await engine.transaction(async (trx) => {
    const last = await trx.selectFrom('sms_submits').select((eb) => eb.fn.max('attempt').as('attempt')).where('message_id', '=', messageId).executeTakeFirst();
    const attempt = Number(last?.attempt ?? 0) + 1;
    await trx.insertInto('sms_submits').values(smscMessageIds.map((id, segment) => ({
      connector_id: connectorId, smsc_message_id: id, message_id: messageId, attempt, segment, segments: smscMessageIds.length, outcome: null, created_at: now,
    }))).execute();
    await trx.updateTable('messages').set((eb) => ({ wamid: eb.fn.coalesce('wamid', eb.val(smsMessageRef(connectorId, first))) })).where('id', '=', messageId).execute();
  });
}

/**
 * Records one segment's receipt; once every segment of its submit has an outcome (or one failed), moves the message
 * and tells the customer. A failure `retryAt` gives a time for goes again instead: message back to `accepted`, a new
 * outbox job due then (its attempts counted), no event.
 */
export async function applySmsReceipt(engine: SqlEngine, connectorId: string, smscMessageId: string, outcome: ReceiptOutcome, now: number, retryAt?: SmsRetryRule): Promise<SmsReceiptResult> {
  const text = outcomeText(outcome);
  return engine.transaction(async (trx) => {
    const submit = await trx.selectFrom('sms_submits').select(['message_id', 'attempt']).where('connector_id', '=', connectorId).where('smsc_message_id', '=', smscMessageId).executeTakeFirst();
    if (!submit) return 'unknown';
    // Its submit's ids are kept just before the message is settled as sent: a receipt in between waits for that, so
    // the message goes through `sent` (and its event) before its receipt moves it on.
    const state = await trx.selectFrom('messages').select('status').where('id', '=', submit.message_id).executeTakeFirst();
    if (state === undefined || NOT_YET_SENT.includes(state.status)) return 'unknown';
    if (text === null) return 'pending';
    await trx.updateTable('sms_submits').set({ outcome: text }).where('connector_id', '=', connectorId).where('smsc_message_id', '=', smscMessageId).execute();
    const segments = await trx.selectFrom('sms_submits').select(['segment', 'segments', 'outcome'])
      .where('message_id', '=', submit.message_id).where('attempt', '=', submit.attempt).orderBy('segment').execute();
    const total = segments[0]?.segments ?? 0;
    const outcomes = Array.from({ length: total }, (_, i) => outcomeOf(segments.find((s) => s.segment === i)?.outcome ?? null));
    const combined = messageOutcome(outcomes);
    if (combined.kind === 'pending') return 'pending';
    const message = await trx.selectFrom('messages').select(['account_id', 'recipient', 'wamid', 'client_ref', 'metadata']).where('id', '=', submit.message_id).executeTakeFirstOrThrow();
    const facts = {
      accountId: message.account_id, messageId: submit.message_id, to: message.recipient, wamid: message.wamid,
      echo: { clientRef: message.client_ref, metadata: message.metadata === null ? null : (JSON.parse(message.metadata) as Record<string, unknown>), channel: 'sms' as const },
    };
    if (combined.kind === 'delivered') {
      const moved = await transitionQuery(engine, trx, 'status_delivered', { id: submit.message_id, now }).executeTakeFirst();
      if (moved.numUpdatedRows > 0n) await insertEvent(trx, messageProgressEvent('message.delivered', facts), now).execute();
      return 'applied';
    }
    const error = new SwitchboardError(combined.entry, { detail: `The SMS centre reported segment ${smscMessageId} undelivered.` });
    const created = await trx.selectFrom('sms_submits').select((eb) => eb.fn.min('created_at').as('at')).where('message_id', '=', submit.message_id).executeTakeFirst();
    const dueAt = retryAt?.(combined.entry, submit.attempt, Number(created?.at ?? now));
    if (dueAt !== undefined && dueAt !== null && (await resubmitSms(engine, trx, submit.message_id, connectorId, submit.attempt, dueAt, error, now))) return 'retried';
    const failed = await transitionQuery(engine, trx, 'status_failed', { id: submit.message_id, now, error: errorJson(error) }).executeTakeFirst();
    if (failed.numUpdatedRows > 0n) await insertEvent(trx, messageFailedEvent(facts, error), now).execute();
    return 'applied';
  });
}
