/**
 * The message half of the store, for every engine: durable accept through group commit and an accept writer (SQLite's
 * writer thread, or in-process), and reads with cursor paging.
 */
import type { MessageEcho } from '../../domain/delivery.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { messageAcceptedEvent } from '../../domain/events.js';
import type { MessageRecord } from '../../domain/message.js';
import { GroupCommit } from '../../runtime/group-commit.js';
import { newId } from '../ids.js';
import type { AcceptItem, AcceptResult, IdempotencyCompletion, MessageFilter } from '../store.js';
import type { AcceptJob, AcceptRequest, AcceptRow, AcceptWriter, ItemOutcome, RequestOutcome } from './accept-writer.js';
import { errorIs } from './error-json.js';
import { toMessage } from './rows.js';
import type { SqlEngine } from './sql-engine.js';

/** A request the accept transaction committed: what the store's caches learn from it. */
export interface CommittedAccept {
  readonly items: readonly AcceptItem[];
  readonly idempotency: IdempotencyCompletion | undefined;
}

export interface SqlMessagesOptions {
  /** Most requests one group commit takes. */
  readonly maxGroupItems: number;
  readonly onCommitted: (accept: CommittedAccept) => void;
}

/** What the message's events echo: the caller's reference and metadata, and the channel of an SMS. */
function echoOf(item: AcceptItem): { echo?: MessageEcho } {
  const sms = item.payload['channel'] === 'sms';
  if (!item.delivery && !sms) return {};
  return { echo: { clientRef: item.delivery?.clientRef ?? null, metadata: item.delivery?.metadata ?? null, ...(sms ? { channel: 'sms' as const } : {}) } };
}

function toRow(item: AcceptItem, now: number): AcceptRow {
  const id = newId('msg', now);
  return {
    ...item, id, jobId: newId('job', now),
    // One accepted event per message, so its id is the message id's under `evt_` (time-ordered like the message).
    acceptedEventId: `evt_${id.slice('msg_'.length)}`,
    acceptedEvent: messageAcceptedEvent({
      accountId: item.accountId, messageId: id, numberId: item.numberId, to: item.to, type: item.type, ...echoOf(item),
    }),
  };
}

function toResults(rows: readonly AcceptRow[], items: readonly ItemOutcome[], now: number): AcceptResult[] {
  return items.map((outcome, i) => {
    if (outcome.kind === 'accepted') return { kind: 'accepted', id: rows[i]!.id, createdAt: now };
    const { code, detail, retryAfterSeconds } = outcome.refusal;
    return { kind: 'refused', error: gatewayError(code, { ...(detail === undefined ? {} : { detail }), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) }) };
  });
}

export class SqlMessages {
  private readonly group: GroupCommit<AcceptJob, RequestOutcome>;

  constructor(
    private readonly engine: SqlEngine,
    private readonly writer: AcceptWriter,
    private readonly options: SqlMessagesOptions,
  ) {
    this.group = new GroupCommit<AcceptJob, RequestOutcome>({ maxItems: options.maxGroupItems, commit: (jobs) => writer.commit(jobs) });
  }

  /**
   * Builds the rows here and hands them to the writer, whose accept transaction decides credit and the counted limits
   * and writes only what they allow; the idempotent response is built from its decisions, in that transaction.
   */
  async accept(items: readonly AcceptItem[], now: number, idempotency: IdempotencyCompletion | undefined): Promise<AcceptResult[]> {
    if (items.length === 0 && !idempotency) return [];
    const rows = items.map((item) => toRow(item, now));
    const request: AcceptRequest = {
      now,
      messages: rows,
      ...(idempotency ? { idempotency: { accountId: idempotency.accountId, key: idempotency.key, requestHash: idempotency.requestHash } } : {}),
    };
    const outcome = await this.group.submit({
      request,
      ...(idempotency ? { respond: (decided: readonly ItemOutcome[]) => idempotency.respond(toResults(rows, decided, now)) } : {}),
    });
    if (outcome.kind === 'idempotency_taken')
      throw gatewayError('idempotency_in_progress', { detail: 'Another request with this Idempotency-Key stored its outcome first; retry to read it.' });
    this.options.onCommitted({ items, idempotency });
    return toResults(rows, outcome.items, now);
  }

  async get(accountId: string, id: string): Promise<MessageRecord | undefined> {
    const row = await this.engine.db.selectFrom('messages').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return row && toMessage(row);
  }

  /** Newest first; the cursor is the last id of the page before. */
  async list(accountId: string | null, filter: MessageFilter): Promise<{ messages: MessageRecord[]; nextCursor: string | null }> {
    const rows = await this.engine.db.selectFrom('messages').selectAll()
      .$if(accountId !== null, (q) => q.where('account_id', '=', accountId!))
      .$if(Boolean(filter.status), (q) => q.where('status', '=', filter.status!))
      .$if(Boolean(filter.to), (q) => q.where('recipient', '=', filter.to!))
      .$if(filter.toAny !== undefined, (q) => q.where('recipient', 'in', filter.toAny!.length > 0 ? filter.toAny! : ['']))
      .$if(Boolean(filter.numberId), (q) => q.where('number_id', '=', filter.numberId!))
      .$if(Boolean(filter.clientRef), (q) => q.where('client_ref', '=', filter.clientRef!))
      .$if(filter.since !== undefined, (q) => q.where('created_at', '>=', filter.since!))
      .$if(filter.until !== undefined, (q) => q.where('created_at', '<', filter.until!))
      .$if(filter.error !== undefined, (q) => q.where(errorIs(filter.error!)))
      .$if(Boolean(filter.cursor), (q) => q.where('id', '<', filter.cursor!))
      .orderBy('id', 'desc').limit(filter.limit + 1).execute();
    const page = rows.slice(0, filter.limit);
    return { messages: page.map(toMessage), nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null };
  }

  /** False once the writer cannot commit: nothing can be accepted any more, so readiness must fail. */
  get writable(): boolean {
    return this.writer.alive;
  }

  async close(): Promise<void> {
    await this.group.drain();
    await this.writer.close();
  }
}
