/** SQLite's message half of the store: durable accept through group commit, reads with cursor paging. */
import { Kysely, SqliteDialect } from 'kysely';
import type { MessageRecord } from '../../domain/message.js';
import { messageAcceptedEvent } from '../../domain/events.js';
import { INITIAL_STATE } from '../../domain/message-state.js';
import { GroupCommit } from '../../runtime/group-commit.js';
import { newId } from '../ids.js';
import { SqliteWriter, type GroupRequest, type MessageRowInput } from './sqlite-writer.js';
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

export class SqliteMessages {
  private readonly db: SqliteDatabase;
  private readonly group: GroupCommit<GroupRequest, void>;
  private readonly writer: SqliteWriter;
  private readonly creditStmt;
  /** Credit promised to accepts whose commit is still in flight, per account. */
  private readonly reserved = new Map<string, number>();
  private readonly onCommitted: (request: AcceptRequest) => void;
  private readonly builder: Kysely<ListSchema>;
  private readonly getStmt;

  constructor(db: SqliteDatabase, options: { file: string; maxGroupItems: number; onCommitted: (request: AcceptRequest) => void }) {
    this.db = db;
    this.onCommitted = options.onCommitted;
    this.builder = new Kysely<ListSchema>({ dialect: new SqliteDialect({ database: db }) });
    this.writer = new SqliteWriter(options.file);
    this.creditStmt = db.prepare('SELECT credit FROM accounts WHERE id = ?').pluck();
    this.group = new GroupCommit<GroupRequest, void>({
      maxItems: options.maxGroupItems,
      commit: async (requests) => {
        await this.writer.commit(requests);
        return requests.map(() => undefined);
      },
    });
    this.getStmt = db.prepare('SELECT * FROM messages WHERE id = ? AND account_id = ?');
  }

  /**
   * Decides credit on this thread (one process owns the SQLite file, so the reservations here see every accept), builds
   * the rows and the idempotent response, then hands them to the writer thread's group commit.
   */
  async accept(items: readonly AcceptItem[], now: number, idempotency: IdempotencyCompletion | undefined): Promise<AcceptResult[]> {
    const results: AcceptResult[] = [];
    const messages: MessageRowInput[] = [];
    const statusTimes = JSON.stringify({ [INITIAL_STATE]: now });
    for (const item of items) {
      if (item.creditCost > 0 && !this.reserve(item.accountId, item.creditCost)) {
        results.push({ kind: 'insufficient_credit' });
        continue;
      }
      const id = newId('msg', now);
      messages.push({
        id, jobId: newId('job', now), accountId: item.accountId, numberId: item.numberId, to: item.to, type: item.type,
        status: INITIAL_STATE, payload: JSON.stringify(item.payload), statusTimes, creditCost: item.creditCost,
        acceptedEvent: JSON.stringify(messageAcceptedEvent({ accountId: item.accountId, messageId: id, numberId: item.numberId, to: item.to, type: item.type }).data),
      });
      results.push({ kind: 'accepted', id, createdAt: now });
    }
    const response = idempotency?.respond(results);
    const request: GroupRequest = {
      now,
      messages,
      ...(idempotency && response
        ? { idempotency: { accountId: idempotency.accountId, key: idempotency.key, requestHash: idempotency.requestHash, statusCode: response.statusCode, body: JSON.stringify(response.body) } }
        : {}),
    };
    try {
      if (messages.length > 0 || request.idempotency) await this.group.submit(request);
    } finally {
      for (const m of messages) if (m.creditCost > 0) this.release(m.accountId, m.creditCost);
    }
    this.onCommitted({ items, now, idempotency });
    return results;
  }

  private reserve(accountId: string, cost: number): boolean {
    const credit = this.creditStmt.get(accountId) as number | null | undefined;
    const held = this.reserved.get(accountId) ?? 0;
    if (credit === null || credit === undefined || credit - held < cost) return false;
    this.reserved.set(accountId, held + cost);
    return true;
  }

  private release(accountId: string, cost: number): void {
    const held = (this.reserved.get(accountId) ?? 0) - cost;
    if (held > 0) this.reserved.set(accountId, held);
    else this.reserved.delete(accountId);
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
