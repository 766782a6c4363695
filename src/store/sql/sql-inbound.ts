/** Meta's webhooks, written once for every engine: raw deliveries kept before the 200, status changes, customer messages. */
import { messageReceivedEvent } from '../../domain/events.js';
import type { CustomerMessageEvent } from '../../domain/meta-events.js';
import { newId } from '../ids.js';
import type { InboundStore, NumberOwner, PendingMetaWebhook, StatusOutcome } from '../inbound-store.js';
import { insertEvent } from './event-rows.js';
import { lockMessagesInOrder } from './message-transition.js';
import { applyStatusBatch, type StatusToApply } from './sql-inbound-statuses.js';
import type { SqlEngine } from './sql-engine.js';

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

  async applyStatuses(statuses: readonly StatusToApply[], now: number): Promise<StatusOutcome[]> {
    if (statuses.length === 0) return [];
    return this.engine.transaction(async (trx) => {
      await lockMessagesInOrder(this.engine, trx, async () => {
        const byWamid = await trx.selectFrom('messages').select('id').where('wamid', 'in', statuses.map(({ status }) => status.wamid)).execute();
        return [...byWamid.map((row) => row.id), ...statuses.flatMap(({ status }) => (status.callbackData ? [status.callbackData] : []))];
      });
      return applyStatusBatch(this.engine, trx, statuses, now);
    });
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
