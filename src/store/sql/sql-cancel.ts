/**
 * Cancellation, written once for every engine. A message is canceled only by removing its job while no call is
 * marked for it (`removeUncalledJobs`): the dispatcher's call mark is a conditional write on the same row
 * (sql-dispatch.ts `markCalls`), so whichever commits first wins and a message is sent or canceled, never both. The
 * job is removed before the message is touched, in the order a number hold takes them, so the two never deadlock.
 * An expiry takes a message back the same way, ending it `failed` with `expired` instead.
 */
import type { Kysely } from 'kysely';
import { mayBeWithUpstream } from '../../domain/delivery.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { messageCanceledEvent, messageFailedEvent, type NewEvent } from '../../domain/events.js';
import { TRANSITIONS, type MessageState } from '../../domain/message-state.js';
import type { CancelOutcome, ClientRefCancel } from '../store.js';
import { insertEvents } from './event-rows.js';
import { transitionQuery } from './message-transition.js';
import type { Database } from './schema.js';
import { refundReservations } from './sql-credit.js';
import { errorJson } from './error-json.js';
import type { SqlEngine } from './sql-engine.js';
import { removeUncalledJobs } from './sql-outbox-queue.js';

/** In a state a cancel leaves, and not possibly with Meta already (its last call went unanswered). */
function cancelable(m: { readonly status: string; readonly error: string | null }): boolean {
  const lastError = m.error === null ? null : (JSON.parse(m.error) as { namespace: string; code: number | string });
  return TRANSITIONS.cancel.from.includes(m.status as MessageState) && !mayBeWithUpstream(lastError);
}

export interface Candidate {
  readonly id: string;
  readonly account_id: string;
  readonly recipient: string;
  readonly client_ref: string | null;
  readonly metadata: string | null;
}

export class SqlCancel {
  constructor(private readonly engine: SqlEngine) {}

  async cancelMessage(accountId: string, id: string, now: number): Promise<CancelOutcome> {
    return this.engine.transaction(async (trx) => {
      const found = await trx.selectFrom('messages').select(['id', 'account_id', 'recipient', 'client_ref', 'metadata', 'status', 'error'])
        .where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
      if (!found) return { kind: 'not_found' };
      if (found.status === 'canceled') return { kind: 'already_canceled' };
      const canceled = cancelable(found) ? await takeBack(this.engine, trx, [found], now, 'cancel') : [];
      if (canceled.length > 0) return { kind: 'canceled' };
      const after = await trx.selectFrom('messages').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      return { kind: 'not_cancelable', status: after.status as MessageState };
    });
  }

  async cancelByClientRef(accountId: string, clientRef: string, now: number): Promise<ClientRefCancel> {
    return this.engine.transaction(async (trx) => {
      const found = await trx.selectFrom('messages').select(['id', 'account_id', 'recipient', 'client_ref', 'metadata', 'status', 'error'])
        .where('account_id', '=', accountId).where('client_ref', '=', clientRef).where('status', '!=', 'canceled').execute();
      const canceled = new Set(await takeBack(this.engine, trx, found.filter(cancelable), now, 'cancel'));
      return { canceled: [...canceled], notCancelable: found.filter((m) => !canceled.has(m.id)).map((m) => m.id) };
    });
  }
}

const ECHO_COLUMNS = ['id', 'account_id', 'recipient', 'client_ref', 'metadata'] as const;

/** The event that tells a message was taken back: canceled, or failed as `expired`. */
function takenBackEvent(m: Candidate, end: 'cancel' | 'expire'): NewEvent {
  const echo = { clientRef: m.client_ref, metadata: m.metadata === null ? null : (JSON.parse(m.metadata) as Record<string, unknown>) };
  const facts = { accountId: m.account_id, messageId: m.id, to: m.recipient, echo };
  return end === 'cancel' ? messageCanceledEvent(facts) : messageFailedEvent({ ...facts, wamid: null }, gatewayError('expired'));
}

/**
 * Takes back those of `candidates` whose job no call is marked for: job removed, message canceled (or failed as
 * `expired`), reservation refunded, event written, all in `trx`. Answers their ids.
 */
export async function takeBack(engine: SqlEngine, trx: Kysely<Database>, candidates: readonly Candidate[], now: number, end: 'cancel' | 'expire'): Promise<string[]> {
  if (candidates.length === 0) return [];
  // Where rows lock, the jobs are locked in id order first, as a batch of call marks locks them.
  if (engine.capabilities.rowLocks)
    await trx.selectFrom('outbox').select('id').where('message_id', 'in', candidates.map((m) => m.id)).orderBy('id').forUpdate().execute();
  const removed = await removeUncalledJobs(trx, candidates.map((m) => m.id)).execute();
  const ids = removed.map((row) => row.message_id);
  if (ids.length === 0) return [];
  const change = end === 'cancel' ? { id: ids, now } : { id: ids, now, error: errorJson(gatewayError('expired')) };
  await transitionQuery(engine, trx, end, change).execute();
  await refundReservations(trx, ids, now);
  const byId = new Map(candidates.map((m) => [m.id, m]));
  await insertEvents(trx, ids.map((id) => takenBackEvent(byId.get(id)!, end)), now).execute();
  return ids;
}

/**
 * Ends as `expired` up to `limit` waiting messages whose validity has passed, whatever holds their number: a parked,
 * paused or restricted number's queue expires on time instead of when the number sends again. Answers how many.
 */
export function expireOverdue(engine: SqlEngine, now: number, limit: number): Promise<number> {
  return engine.transaction(async (trx) => {
    const overdue = await trx.selectFrom('outbox as o').innerJoin('messages as m', 'm.id', 'o.message_id')
      .select(ECHO_COLUMNS.map((column) => `m.${column}` as const))
      .where('o.expires_at', '<=', now).where('o.calling_since', 'is', null).orderBy('o.expires_at').limit(limit).execute();
    return (await takeBack(engine, trx, overdue, now, 'expire')).length;
  });
}
