/** SQLite's message half of the store: durable accept through group commit, reads with cursor paging. */
import { Kysely, SqliteDialect } from 'kysely';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { MessageRecord } from '../../domain/message.js';
import { messageAcceptedEvent } from '../../domain/events.js';
import { INITIAL_STATE } from '../../domain/message-state.js';
import { GroupCommit } from '../../runtime/group-commit.js';
import { newId } from '../ids.js';
import { SqliteWriter, type WriterJob } from './sqlite-writer.js';
import type { GroupRequest, ItemOutcome, MessageRowInput, RequestOutcome } from './sqlite-accept.js';
import type { AcceptItem, AcceptResult, IdempotencyCompletion, MessageFilter } from '../store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { toMessage, type MessageRow } from './sqlite-rows.js';

export interface AcceptRequest {
  readonly items: readonly AcceptItem[];
  readonly now: number;
  readonly idempotency: IdempotencyCompletion | undefined;
}

/** Only the table the dynamic list query touches; Kysely compiles it, better-sqlite3 runs it synchronously. */
interface ListSchema {
  messages: MessageRow;
}

function toRow(item: AcceptItem, now: number, statusTimes: string): MessageRowInput {
  const id = newId('msg', now);
  const event = messageAcceptedEvent({ accountId: item.accountId, messageId: id, numberId: item.numberId, to: item.to, type: item.type });
  return {
    id, jobId: newId('job', now), accountId: item.accountId, numberId: item.numberId, to: item.to, type: item.type,
    status: INITIAL_STATE, payload: JSON.stringify(item.payload), statusTimes, creditCost: item.creditCost,
    ...(item.admission ? { admission: item.admission } : {}),
    // One accepted event per message, so its id is the message id's under `evt_` (time-ordered like the message).
    acceptedEventId: `evt_${id.slice('msg_'.length)}`, acceptedEvent: JSON.stringify(event.data),
  };
}

function toResults(rows: readonly MessageRowInput[], items: readonly ItemOutcome[], now: number): AcceptResult[] {
  return items.map((outcome, i) => {
    if (outcome.kind === 'accepted') return { kind: 'accepted', id: rows[i]!.id, createdAt: now };
    const { code, detail, retryAfterSeconds } = outcome.refusal;
    return { kind: 'refused', error: gatewayError(code, { ...(detail === undefined ? {} : { detail }), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) }) };
  });
}

export class SqliteMessages {
  private readonly db: SqliteDatabase;
  private readonly group: GroupCommit<WriterJob, RequestOutcome>;
  private readonly writer: SqliteWriter;
  private readonly onCommitted: (request: AcceptRequest) => void;
  private readonly builder: Kysely<ListSchema>;
  private readonly getStmt;

  constructor(db: SqliteDatabase, options: { file: string; maxGroupItems: number; singleWriter: boolean; onCommitted: (request: AcceptRequest) => void }) {
    this.db = db;
    this.onCommitted = options.onCommitted;
    this.builder = new Kysely<ListSchema>({ dialect: new SqliteDialect({ database: db }) });
    this.writer = new SqliteWriter(options.file, { singleWriter: options.singleWriter });
    this.group = new GroupCommit<WriterJob, RequestOutcome>({ maxItems: options.maxGroupItems, commit: (jobs) => this.writer.commit(jobs) });
    this.getStmt = db.prepare('SELECT * FROM messages WHERE id = ? AND account_id = ?');
  }

  /**
   * Builds the rows here and hands them to the writer thread, whose accept transaction decides credit and the counted
   * limits and writes only what they allow; the idempotent response is built from its decisions, in that transaction.
   */
  async accept(items: readonly AcceptItem[], now: number, idempotency: IdempotencyCompletion | undefined): Promise<AcceptResult[]> {
    const statusTimes = JSON.stringify({ [INITIAL_STATE]: now });
    const rows = items.map((item) => toRow(item, now, statusTimes));
    const request: GroupRequest = {
      now,
      messages: rows,
      ...(idempotency ? { idempotency: { accountId: idempotency.accountId, key: idempotency.key, requestHash: idempotency.requestHash } } : {}),
    };
    if (rows.length === 0 && !idempotency) return [];
    const outcome = await this.group.submit({
      request,
      ...(idempotency ? { respond: (decided: readonly ItemOutcome[]) => idempotency.respond(toResults(rows, decided, now)) } : {}),
    });
    if (outcome.kind === 'idempotency_taken')
      throw gatewayError('idempotency_in_progress', { detail: 'Another request with this Idempotency-Key stored its outcome first; retry to read it.' });
    this.onCommitted({ items, now, idempotency });
    return toResults(rows, outcome.items, now);
  }

  get(accountId: string, id: string): MessageRecord | undefined {
    const row = this.getStmt.get(id, accountId) as MessageRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  list(accountId: string, filter: MessageFilter): { messages: MessageRecord[]; nextCursor: string | null } {
    let query = this.builder.selectFrom('messages').selectAll().where('account_id', '=', accountId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.to) query = query.where('recipient', '=', filter.to);
    if (filter.numberId) query = query.where('number_id', '=', filter.numberId);
    if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
    if (filter.cursor) query = query.where('id', '<', filter.cursor);
    const compiled = query.orderBy('id', 'desc').limit(filter.limit + 1).compile();
    const rows = this.db.prepare(compiled.sql).all(...compiled.parameters) as MessageRow[];
    const page = rows.slice(0, filter.limit);
    return { messages: page.map(toMessage), nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null };
  }

  /** False once the writer thread died: nothing can be accepted any more, so readiness must fail. */
  get writable(): boolean {
    return this.writer.alive;
  }

  async close(): Promise<void> {
    await this.group.drain();
    await this.writer.close();
  }
}
