/** WhatsApp-to-SMS failover, written once for every engine (see failover-store.ts). */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { gatewayError, type SwitchboardError } from '../../catalog/switchboard-error.js';
import { LANE_OF, rankOf } from '../../domain/delivery.js';
import { messageAcceptedEvent, messageFailoverEvent } from '../../domain/events.js';
import type { FailoverRequest } from '../../domain/failover.js';
import { INITIAL_STATE, type MessageState } from '../../domain/message-state.js';
import type { FailoverOutcome, FailoverSms, FailoverStore, PendingFailover } from '../failover-store.js';
import { newId } from '../ids.js';
import { errorJson } from './error-json.js';
import { insertEvents } from './event-rows.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

/** States after which a WhatsApp message's failover is decided one way or the other. */
const DECIDED: readonly MessageState[] = ['failed', 'delivered', 'read', 'canceled'];

function errorRef(json: string | null): PendingFailover['error'] {
  if (json === null) return null;
  const parsed = JSON.parse(json) as { namespace?: string; code?: number | string };
  return parsed.namespace === undefined || parsed.code === undefined ? null : { namespace: parsed.namespace, code: parsed.code };
}

/** Ends a pending failover; false when it was not pending any more (another worker ended it). */
async function endPending(trx: Kysely<Database>, messageId: string, state: string, fields: { failover_message_id?: string; failover_error?: string }): Promise<boolean> {
  const ended = await trx.updateTable('messages').set({ failover_state: state, ...fields })
    .where('id', '=', messageId).where('failover_state', '=', 'pending').executeTakeFirst();
  return ended.numUpdatedRows > 0n;
}

export class SqlFailover implements FailoverStore {
  constructor(private readonly engine: SqlEngine) {}

  async dueFailovers(now: number, limit: number): Promise<PendingFailover[]> {
    const rows = await this.engine.db.selectFrom('messages')
      .select(['id', 'account_id', 'recipient', 'status', 'error', 'failover', 'failover_due_at', 'client_ref', 'metadata'])
      // A literal state and the index's own order: only then does SQLite read the partial index of pending failovers
      // instead of walking every message in id order (milliseconds a call, on every status change).
      .where('failover_state', '=', sql.lit('pending'))
      .where((eb) => eb.or([eb('status', 'in', DECIDED), eb('failover_due_at', '<=', now)]))
      .orderBy('failover_due_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      messageId: r.id, accountId: r.account_id, to: r.recipient, status: r.status as MessageState, error: errorRef(r.error), dueAt: r.failover_due_at,
      request: JSON.parse(r.failover ?? '{}') as FailoverRequest,
      echo: { clientRef: r.client_ref, metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Record<string, unknown>) },
    }));
  }

  async triggerFailover(pending: PendingFailover, sms: FailoverSms, now: number): Promise<FailoverOutcome> {
    const smsMessageId = newId('msg', now);
    return this.engine.transaction(async (trx) => {
      if (!(await endPending(trx, pending.messageId, 'triggered', { failover_message_id: smsMessageId }))) return { kind: 'gone' };
      const facts = { accountId: pending.accountId, messageId: pending.messageId, to: pending.to, echo: pending.echo, reason: sms.reason };
      if (!(await this.reserve(trx, pending.accountId, smsMessageId, sms.cost, now))) {
        const error = gatewayError('insufficient_credit', { detail: `The failover SMS needs ${sms.cost} credit.` });
        await trx.updateTable('messages').set({ failover_state: 'refused', failover_message_id: null, failover_error: errorJson(error) }).where('id', '=', pending.messageId).execute();
        await insertEvents(trx, [messageFailoverEvent({ ...facts, status: 'refused', smsMessageId: null, error })], now).execute();
        return { kind: 'refused' };
      }
      await this.insertSms(trx, pending, sms, smsMessageId, now);
      await insertEvents(trx, [
        messageFailoverEvent({ ...facts, status: 'triggered', smsMessageId, error: null }),
        messageAcceptedEvent({ accountId: pending.accountId, messageId: smsMessageId, numberId: sms.connectorId, to: pending.to, type: 'text', echo: { ...pending.echo, channel: 'sms' } }),
      ], now).execute();
      return { kind: 'triggered', smsMessageId };
    });
  }

  async closeFailover(pending: PendingFailover, outcome: { readonly state: 'not_needed' } | { readonly state: 'refused'; readonly reason: FailoverSms['reason']; readonly error: SwitchboardError }, now: number): Promise<void> {
    await this.engine.transaction(async (trx) => {
      if (outcome.state === 'not_needed') return void (await endPending(trx, pending.messageId, 'not_needed', {}));
      if (!(await endPending(trx, pending.messageId, 'refused', { failover_error: errorJson(outcome.error) }))) return;
      await insertEvents(trx, [messageFailoverEvent({
        accountId: pending.accountId, messageId: pending.messageId, to: pending.to, echo: pending.echo, reason: outcome.reason,
        status: 'refused', smsMessageId: null, error: outcome.error,
      })], now).execute();
    });
  }

  /** The SMS's credit reservation, as the accept transaction makes one; false when the balance falls short. */
  private async reserve(trx: Kysely<Database>, accountId: string, messageId: string, cost: number, now: number): Promise<boolean> {
    if (cost <= 0) return true;
    const debited = await trx.updateTable('accounts').set((eb) => ({ credit: eb('credit', '-', cost) }))
      .where('id', '=', accountId).where('credit', '>=', cost).executeTakeFirst();
    if (debited.numUpdatedRows === 0n) {
      const account = await trx.selectFrom('accounts').select('credit').where('id', '=', accountId).executeTakeFirst();
      return account?.credit === null;
    }
    await trx.insertInto('credit_ledger').values({ id: `led_reserve_${messageId}`, account_id: accountId, message_id: messageId, kind: 'reserve', amount: -cost, note: null, created_at: now }).execute();
    return true;
  }

  private async insertSms(trx: Kysely<Database>, pending: PendingFailover, sms: FailoverSms, id: string, now: number): Promise<void> {
    const { clientRef, metadata } = pending.echo;
    await trx.insertInto('messages').values({
      id, account_id: pending.accountId, number_id: sms.connectorId, recipient: pending.to, type: 'text', status: INITIAL_STATE,
      payload: JSON.stringify({ ...sms.payload, failover_of: pending.messageId }), status_times: JSON.stringify({ [INITIAL_STATE]: now }),
      wamid: null, error: null, created_at: now, updated_at: now, client_ref: clientRef ?? null, metadata: metadata ? JSON.stringify(metadata) : null,
    }).execute();
    await trx.insertInto('outbox').values({
      id: newId('job', now), message_id: id, number_id: sms.connectorId, due_at: now, attempts: 0, lease_owner: null, lease_expires_at: null,
      created_at: now, lane: LANE_OF.normal, rank_at: rankOf(now, 'normal'),
    }).execute();
  }
}
