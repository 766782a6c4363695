/** SQLite's side of Meta's webhooks: raw deliveries kept before the 200, status changes, customer messages. */
import type { SwitchboardError } from '../../catalog/switchboard-error.js';
import { messageFailedEvent, messageProgressEvent, messageReceivedEvent } from '../../domain/events.js';
import type { MessageEvent } from '../../domain/message-state.js';
import type { CustomerMessageEvent, StatusEvent, UpstreamStatus } from '../../domain/meta-events.js';
import type { InboundStore, NumberOwner, PendingMetaWebhook, StatusOutcome } from '../inbound-store.js';
import { newId } from '../ids.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { errorJson } from './sqlite-dispatch.js';
import { SqliteEvents } from './sqlite-events.js';
import { prepareTransition } from './sqlite-transition.js';

const EVENT_OF_STATUS = {
  sent: 'status_sent',
  delivered: 'status_delivered',
  read: 'status_read',
  failed: 'status_failed',
} as const satisfies Record<UpstreamStatus, MessageEvent>;

export class SqliteInbound implements InboundStore {
  private readonly events: SqliteEvents;
  private readonly stmts;
  private readonly transitions;

  constructor(private readonly db: SqliteDatabase) {
    this.events = new SqliteEvents(db);
    this.stmts = {
      save: db.prepare('INSERT INTO meta_webhooks (id, received_at, body, applied_at) VALUES (?, ?, ?, NULL)'),
      pending: db.prepare('SELECT id, body FROM meta_webhooks WHERE applied_at IS NULL ORDER BY received_at, id LIMIT ?'),
      applied: db.prepare('UPDATE meta_webhooks SET applied_at = ? WHERE id IN (SELECT value FROM json_each(?))'),
      byWamid: db.prepare('SELECT id, account_id, recipient FROM messages WHERE wamid = ?'),
      byCallback: db.prepare('SELECT id, account_id, recipient FROM messages WHERE id = ? AND wamid IS NULL'),
      tieWamid: db.prepare('UPDATE messages SET wamid = ? WHERE id = ? AND wamid IS NULL'),
      // The message is with Meta: its job, waiting out a retry or a recovery grace, is due now to be settled unsent.
      settleSoon: db.prepare('UPDATE outbox SET due_at = MIN(due_at, ?) WHERE message_id = ?'),
      owner: db.prepare('SELECT id, account_id FROM phone_numbers WHERE phone_number_id = ?'),
      customerMessage: db.prepare(
        `INSERT OR IGNORE INTO inbound_messages (wamid, number_id, account_id, sender, type, body, payload, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      customerMessageReceivedAt: db.prepare('SELECT received_at FROM inbound_messages WHERE wamid = ?').pluck(),
    };
    this.transitions = {
      status_sent: prepareTransition(db, 'status_sent'),
      status_delivered: prepareTransition(db, 'status_delivered'),
      status_read: prepareTransition(db, 'status_read'),
      status_failed: prepareTransition(db, 'status_failed', { setsError: true }),
    } as const;
  }

  async saveMetaWebhook(body: string, now: number): Promise<string> {
    const id = newId('mwh');
    this.stmts.save.run(id, now, body);
    return id;
  }

  async pendingMetaWebhooks(limit: number): Promise<PendingMetaWebhook[]> {
    return this.stmts.pending.all(limit) as PendingMetaWebhook[];
  }

  async markMetaWebhooksApplied(ids: readonly string[], now: number): Promise<void> {
    this.stmts.applied.run(now, JSON.stringify(ids));
  }

  async applyStatuses(statuses: readonly { status: StatusEvent; error: SwitchboardError | undefined }[], now: number): Promise<StatusOutcome[]> {
    // IMMEDIATE: these transactions read before they write, and a deferred one could not take the write lock after
    // the writer thread committed in between (SQLITE_BUSY without waiting).
    return this.db.transaction(() => statuses.map(({ status, error }) => this.applyOneStatus(status, error, now))).immediate();
  }

  private applyOneStatus(status: StatusEvent, error: SwitchboardError | undefined, now: number): StatusOutcome {
    {
      type Row = { id: string; account_id: string; recipient: string };
      let message = this.stmts.byWamid.get(status.wamid) as Row | undefined;
      if (!message && status.callbackData) {
        message = this.stmts.byCallback.get(status.callbackData) as Row | undefined;
        if (message && this.stmts.tieWamid.run(status.wamid, message.id).changes > 0) this.stmts.settleSoon.run(now, message.id);
      }
      if (!message) return 'unknown_message';
      const event = EVENT_OF_STATUS[status.status];
      // Our clock, not Meta's whole-second timestamp, so a message's status times never run backwards.
      const moved = this.transitions[event].run({ id: message.id, now, error: error ? errorJson(error) : null }).changes > 0;
      if (!moved) return 'unchanged';
      const facts = { accountId: message.account_id, messageId: message.id, to: message.recipient, wamid: status.wamid };
      this.events.append(status.status === 'failed' ? messageFailedEvent(facts, error) : messageProgressEvent(`message.${status.status}`, facts), now);
      return 'moved';
    }
  }

  async findNumberOwner(phoneNumberId: string): Promise<NumberOwner | undefined> {
    const row = this.stmts.owner.get(phoneNumberId) as { id: string; account_id: string | null } | undefined;
    return row ? { numberId: row.id, accountId: row.account_id } : undefined;
  }

  async saveCustomerMessage(owner: NumberOwner, message: CustomerMessageEvent, now: number): Promise<number> {
    return this.db.transaction(() => {
      const inserted =
        this.stmts.customerMessage.run(message.wamid, owner.numberId, owner.accountId, message.from, message.type, message.text ?? null, JSON.stringify(message.raw), message.at || now)
          .changes > 0;
      if (inserted && owner.accountId) {
        this.events.append(messageReceivedEvent({ accountId: owner.accountId, numberId: owner.numberId, wamid: message.wamid, from: message.from, type: message.type, text: message.text, raw: message.raw }), now);
      }
      return this.stmts.customerMessageReceivedAt.get(message.wamid) as number;
    })();
  }
}
