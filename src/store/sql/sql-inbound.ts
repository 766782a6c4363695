/** Meta's webhooks, written once for every engine: raw deliveries kept before the 200, status changes, customer messages. */
import type { Kysely } from 'kysely';
import type { SwitchboardError } from '../../catalog/switchboard-error.js';
import { messageFailedEvent, messageProgressEvent, messageReceivedEvent } from '../../domain/events.js';
import type { MessageEvent } from '../../domain/message-state.js';
import type { CustomerMessageEvent, StatusEvent, UpstreamStatus } from '../../domain/meta-events.js';
import { newId } from '../ids.js';
import type { InboundStore, NumberOwner, PendingMetaWebhook, StatusOutcome } from '../inbound-store.js';
import { errorJson } from './error-json.js';
import { insertEvent } from './event-rows.js';
import { lockMessagesInOrder, transitionQuery } from './message-transition.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

const EVENT_OF_STATUS = {
  sent: 'status_sent',
  delivered: 'status_delivered',
  read: 'status_read',
  failed: 'status_failed',
} as const satisfies Record<UpstreamStatus, MessageEvent>;

export class SqlInbound implements InboundStore {
  constructor(private readonly engine: SqlEngine) {}

  async saveMetaWebhook(body: string, now: number): Promise<string> {
    const id = newId('mwh', now);
    await this.engine.db.insertInto('meta_webhooks').values({ id, received_at: now, body, applied_at: null }).execute();
    return id;
  }

  async pendingMetaWebhooks(limit: number): Promise<PendingMetaWebhook[]> {
    return this.engine.db.selectFrom('meta_webhooks').select(['id', 'body']).where('applied_at', 'is', null)
      .orderBy('received_at').orderBy('id').limit(limit).execute();
  }

  async markMetaWebhooksApplied(ids: readonly string[], now: number): Promise<void> {
    if (ids.length > 0) await this.engine.db.updateTable('meta_webhooks').set({ applied_at: now }).where('id', 'in', ids).execute();
  }

  async applyStatuses(statuses: readonly { status: StatusEvent; error: SwitchboardError | undefined }[], now: number): Promise<StatusOutcome[]> {
    if (statuses.length === 0) return [];
    return this.engine.transaction(async (trx) => {
      await lockMessagesInOrder(this.engine, trx, async () => {
        const byWamid = await trx.selectFrom('messages').select('id').where('wamid', 'in', statuses.map(({ status }) => status.wamid)).execute();
        return [...byWamid.map((row) => row.id), ...statuses.flatMap(({ status }) => (status.callbackData ? [status.callbackData] : []))];
      });
      const outcomes: StatusOutcome[] = [];
      for (const { status, error } of statuses) outcomes.push(await this.applyOneStatus(trx, status, error, now));
      return outcomes;
    });
  }

  private async applyOneStatus(trx: Kysely<Database>, status: StatusEvent, error: SwitchboardError | undefined, now: number): Promise<StatusOutcome> {
    const message = await this.messageOf(trx, status, now);
    if (!message) return 'unknown_message';
    // Our clock, not Meta's whole-second timestamp, so a message's status times never run backwards.
    const change = { id: message.id, now, ...(status.status === 'failed' ? { error: error ? errorJson(error) : null } : {}) };
    const moved = await transitionQuery(this.engine, trx, EVENT_OF_STATUS[status.status], change).executeTakeFirst();
    if (moved.numUpdatedRows === 0n) return 'unchanged';
    const echo = { clientRef: message.client_ref, metadata: message.metadata === null ? null : (JSON.parse(message.metadata) as Record<string, unknown>) };
    const facts = { accountId: message.account_id, messageId: message.id, to: message.recipient, wamid: status.wamid, echo };
    const event = status.status === 'failed' ? messageFailedEvent(facts, error) : messageProgressEvent(`message.${status.status}`, { ...facts, userId: status.recipientUserId });
    await insertEvent(trx, event, now).execute();
    return 'moved';
  }

  /**
   * The message a status names: by wamid, or by our id echoed in the callback data of a message with no wamid yet,
   * which ties the wamid to it.
   */
  private async messageOf(trx: Kysely<Database>, status: StatusEvent, now: number) {
    const byWamid = await trx.selectFrom('messages').select(['id', 'account_id', 'recipient', 'client_ref', 'metadata']).where('wamid', '=', status.wamid).executeTakeFirst();
    if (byWamid || !status.callbackData) return byWamid;
    const byCallback = await trx.selectFrom('messages').select(['id', 'account_id', 'recipient', 'client_ref', 'metadata'])
      .where('id', '=', status.callbackData).where('wamid', 'is', null).executeTakeFirst();
    if (!byCallback) return undefined;
    const tied = await trx.updateTable('messages').set({ wamid: status.wamid }).where('id', '=', byCallback.id).where('wamid', 'is', null).executeTakeFirst();
    // The message is with Meta: its job, waiting out a retry or a recovery grace, is due now to be settled unsent.
    if (tied.numUpdatedRows > 0n) await trx.updateTable('outbox').set({ due_at: now }).where('message_id', '=', byCallback.id).where('due_at', '>', now).execute();
    return byCallback;
  }

  async findNumberOwner(phoneNumberId: string): Promise<NumberOwner | undefined> {
    const row = await this.engine.db.selectFrom('phone_numbers').select(['id', 'account_id']).where('phone_number_id', '=', phoneNumberId).executeTakeFirst();
    return row ? { numberId: row.id, accountId: row.account_id } : undefined;
  }

  async findCustomerMessage(wamid: string): Promise<(NumberOwner & { sender: string }) | undefined> {
    const row = await this.engine.db.selectFrom('inbound_messages').select(['number_id', 'account_id', 'sender']).where('wamid', '=', wamid).executeTakeFirst();
    return row ? { numberId: row.number_id, accountId: row.account_id, sender: row.sender } : undefined;
  }

  async saveCustomerMessage(owner: NumberOwner, message: CustomerMessageEvent, now: number): Promise<number> {
    return this.engine.transaction(async (trx) => {
      const saved = await trx.insertInto('inbound_messages').values({
        wamid: message.wamid, number_id: owner.numberId, account_id: owner.accountId, sender: message.from, type: message.type,
        body: message.text ?? null, payload: JSON.stringify(message.raw), received_at: message.at || now,
      }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if ((saved.numInsertedOrUpdatedRows ?? 0n) > 0n && owner.accountId) {
        const facts = { accountId: owner.accountId, numberId: owner.numberId, wamid: message.wamid, from: message.from, type: message.type, text: message.text, userId: message.identity?.userId, username: message.identity?.username, raw: message.raw };
        await insertEvent(trx, messageReceivedEvent(facts), now).execute();
      }
      const stored = await trx.selectFrom('inbound_messages').select('received_at').where('wamid', '=', message.wamid).executeTakeFirstOrThrow();
      return stored.received_at;
    });
  }
}
