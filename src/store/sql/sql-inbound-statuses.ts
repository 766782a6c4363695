/**
 * A batch of Meta's statuses applied with a few set-based statements instead of a read, an update and an insert per
 * status: the messages read in one go, the moves grouped by event (the state machine's condition in each update,
 * `RETURNING` telling which rows moved), the events inserted together. A message's statuses still apply in the order
 * they came, one round each: its second status goes in the second round, after its first one moved it (or not).
 */
import type { Kysely } from 'kysely';
import type { SwitchboardError } from '../../catalog/switchboard-error.js';
import { messageFailedEvent, messageProgressEvent, type NewEvent } from '../../domain/events.js';
import type { MessageEvent } from '../../domain/message-state.js';
import type { StatusEvent, UpstreamStatus } from '../../domain/meta-events.js';
import type { StatusOutcome } from '../inbound-store.js';
import { errorJson } from './error-json.js';
import { insertEvents } from './event-rows.js';
import { transitionQuery } from './message-transition.js';
import { paddedIdRuns, powerOfTwoRuns } from './precompiled.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

export interface StatusToApply {
  readonly status: StatusEvent;
  readonly error: SwitchboardError | undefined;
}

const EVENT_OF_STATUS = {
  sent: 'status_sent',
  delivered: 'status_delivered',
  read: 'status_read',
  failed: 'status_failed',
} as const satisfies Record<UpstreamStatus, MessageEvent>;

interface MessageRow {
  readonly id: string;
  readonly account_id: string;
  readonly recipient: string;
  readonly client_ref: string | null;
  readonly metadata: string | null;
}

const MESSAGE_COLUMNS = ['id', 'account_id', 'recipient', 'client_ref', 'metadata'] as const;

/** Applies `statuses` on `trx` (a transaction that already holds their messages' locks, where rows lock). */
export async function applyStatusBatch(engine: SqlEngine, trx: Kysely<Database>, statuses: readonly StatusToApply[], now: number): Promise<StatusOutcome[]> {
  const messages = await messagesOf(trx, statuses.map(({ status }) => status), now);
  const moved = await moveInRounds(engine, trx, statuses, messages, now);
  const events = statuses.flatMap((applied, i) => (moved[i] ? [eventOf(applied, messages[i]!)] : []));
  for (const run of powerOfTwoRuns(events)) await insertEvents(trx, run, now).execute();
  return statuses.map((_, i) => (messages[i] === undefined ? 'unknown_message' : moved[i] ? 'moved' : 'unchanged'));
}

/**
 * The message each status names, in the statuses' order: by wamid, or by our id echoed in the callback data of a
 * message with no wamid yet, which ties the wamid to it (so a later status of the batch finds it by that wamid).
 */
async function messagesOf(trx: Kysely<Database>, statuses: readonly StatusEvent[], now: number): Promise<(MessageRow | undefined)[]> {
  const byWamid = new Map<string, MessageRow>();
  for (const run of paddedIdRuns([...new Set(statuses.map((s) => s.wamid))])) {
    const rows = await trx.selectFrom('messages').select([...MESSAGE_COLUMNS, 'wamid']).where('wamid', 'in', run).execute();
    for (const { wamid, ...row } of rows) byWamid.set(wamid!, row);
  }
  const untied = await untiedMessages(trx, statuses.filter((s) => !byWamid.has(s.wamid)).flatMap((s) => (s.callbackData ? [s.callbackData] : [])));
  const tied: string[] = [];
  const found = statuses.map((status) => {
    const known = byWamid.get(status.wamid);
    if (known || !status.callbackData) return known;
    const waiting = untied.get(status.callbackData);
    if (!waiting) return undefined;
    untied.delete(waiting.id);
    byWamid.set(status.wamid, waiting);
    tied.push(waiting.id);
    return waiting;
  });
  await tieWamids(trx, statuses, found, tied, now);
  return found;
}

async function untiedMessages(trx: Kysely<Database>, ids: readonly string[]): Promise<Map<string, MessageRow>> {
  const untied = new Map<string, MessageRow>();
  for (const run of paddedIdRuns([...new Set(ids)])) {
    const rows = await trx.selectFrom('messages').select(MESSAGE_COLUMNS).where('id', 'in', run).where('wamid', 'is', null).execute();
    for (const row of rows) untied.set(row.id, row);
  }
  return untied;
}

/** Writes the wamids found by callback data; those messages are with Meta, so their jobs are due now to be settled unsent. */
async function tieWamids(trx: Kysely<Database>, statuses: readonly StatusEvent[], found: readonly (MessageRow | undefined)[], tied: readonly string[], now: number): Promise<void> {
  if (tied.length === 0) return;
  const tiedIds = new Set(tied);
  for (const [i, status] of statuses.entries()) {
    const message = found[i];
    if (!message || !tiedIds.delete(message.id)) continue;
    await trx.updateTable('messages').set({ wamid: status.wamid }).where('id', '=', message.id).where('wamid', 'is', null).execute();
  }
  // A job waiting out a retry or a recovery grace; one due already stays as due as it was.
  for (const run of paddedIdRuns(tied)) await trx.updateTable('outbox').set({ due_at: now }).where('message_id', 'in', run).where('due_at', '>', now).execute();
}

/** Which statuses moved their message: round r applies the r-th status of every message, grouped by event. */
async function moveInRounds(engine: SqlEngine, trx: Kysely<Database>, statuses: readonly StatusToApply[], messages: readonly (MessageRow | undefined)[], now: number): Promise<boolean[]> {
  const moved = statuses.map(() => false);
  for (const round of rounds(messages)) {
    const byEvent = new Map<string, number[]>();
    for (const i of round) {
      const { status, error } = statuses[i]!;
      // A failure keeps its own error: those are grouped by it (they are rare and mostly differ).
      const key = status.status === 'failed' ? `failed:${error ? errorJson(error) : ''}` : status.status;
      byEvent.set(key, [...(byEvent.get(key) ?? []), i]);
    }
    for (const group of byEvent.values()) {
      const { status, error } = statuses[group[0]!]!;
      const movedIds = await moveGroup(engine, trx, EVENT_OF_STATUS[status.status], group.map((i) => messages[i]!.id), status.status === 'failed' ? (error ? errorJson(error) : null) : undefined, now);
      for (const i of group) moved[i] = movedIds.has(messages[i]!.id);
    }
  }
  return moved;
}

/** Indexes of the statuses that name a message, by round: a message's n-th status in the n-th round. */
function rounds(messages: readonly (MessageRow | undefined)[]): number[][] {
  const seen = new Map<string, number>();
  const out: number[][] = [];
  for (const [i, message] of messages.entries()) {
    if (!message) continue;
    const round = seen.get(message.id) ?? 0;
    seen.set(message.id, round + 1);
    (out[round] ??= []).push(i);
  }
  return out;
}

async function moveGroup(engine: SqlEngine, trx: Kysely<Database>, event: MessageEvent, ids: readonly string[], error: string | null | undefined, now: number): Promise<Set<string>> {
  const movedIds = new Set<string>();
  // Our clock, not Meta's whole-second timestamp, so a message's status times never run backwards.
  for (const run of paddedIdRuns(ids)) {
    const rows = await transitionQuery(engine, trx, event, { id: run, now, ...(error === undefined ? {} : { error }) }).returning('id').execute();
    for (const row of rows) movedIds.add(row.id);
  }
  return movedIds;
}

function eventOf({ status, error }: StatusToApply, message: MessageRow): NewEvent {
  const echo = { clientRef: message.client_ref, metadata: message.metadata === null ? null : (JSON.parse(message.metadata) as Record<string, unknown>) };
  const facts = { accountId: message.account_id, messageId: message.id, to: message.recipient, wamid: status.wamid, echo };
  return status.status === 'failed' ? messageFailedEvent(facts, error) : messageProgressEvent(`message.${status.status}`, { ...facts, userId: status.recipientUserId });
}
