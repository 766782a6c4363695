/**
 * Data lifecycle: how long each table keeps its rows, and which rows may go once past that horizon. Nothing still
 * in use is ever removed: a message dispatch has not finished with, a delivery still to be attempted, an event not yet
 * fanned out (or whose deliveries are still kept), a Meta delivery not yet applied, a reservation not yet settled.
 */
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';
import { MESSAGE_STATES, TRANSITIONS, type MessageEvent, type MessageState } from './message-state.js';

export const RETAINED_TABLES = [
  'webhook_attempts',
  'webhook_deliveries',
  'events',
  'messages',
  'idempotency_keys',
  'meta_webhooks',
  'inbound_messages',
  'media',
  'credit_ledger',
] as const;
export type RetainedTable = (typeof RETAINED_TABLES)[number];

/**
 * Milliseconds each table keeps a row. For `credit_ledger` rows are never lost: past the horizon an account's rows are
 * folded into one balance-forward row, so the ledger still sums to the balance.
 */
export type RetentionPolicy = Readonly<Record<RetainedTable, number>>;

const DAY_MS = 24 * 3600 * 1000;

export const DEFAULT_RETENTION: RetentionPolicy = {
  webhook_attempts: 7 * DAY_MS,
  webhook_deliveries: 7 * DAY_MS,
  events: 30 * DAY_MS,
  messages: 30 * DAY_MS,
  // The promise made to clients: a key is remembered for exactly this long.
  idempotency_keys: IDEMPOTENCY_TTL_MS,
  // Applied, a delivery's effects are in the messages and events it changed: its raw body (≈ 600 bytes a status, three
  // statuses a message) is kept only where an operator asks for it.
  meta_webhooks: 0,
  inbound_messages: 30 * DAY_MS,
  // Meta keeps uploaded media for 30 days; an id older than that is dead upstream too.
  media: 30 * DAY_MS,
  credit_ledger: 90 * DAY_MS,
};

/** The events dispatch itself applies; Meta's status webhooks are the others. */
const DISPATCH_EVENTS: readonly MessageEvent[] = ['claim', 'retry', 'upstream_accepted', 'upstream_rejected'];

/**
 * States dispatch has finished with: no dispatch event starts from them, so no job exists for them. Only Meta's
 * status webhooks can still move them (sent → delivered → read), and Meta stops reporting on a message after its own
 * 30-day lifetime, which the message horizon is not shorter than by default.
 */
export const SETTLED_MESSAGE_STATES: readonly MessageState[] = MESSAGE_STATES.filter(
  (state) => !DISPATCH_EVENTS.some((event) => TRANSITIONS[event].from.includes(state)),
);

/** The facts about one row that decide whether it may go: its time and what still depends on it. */
export type RetentionFacts =
  | { readonly table: 'messages'; readonly at: number; readonly state: MessageState; readonly hasJob: boolean }
  | { readonly table: 'events'; readonly at: number; readonly fannedOut: boolean; readonly hasDeliveries: boolean }
  | { readonly table: 'webhook_deliveries'; readonly at: number; readonly pending: boolean }
  | { readonly table: 'meta_webhooks'; readonly at: number; readonly applied: boolean }
  /** `messageSettled` is null for a row that belongs to no message (top-up, correction, balance forward). */
  | { readonly table: 'credit_ledger'; readonly at: number; readonly messageSettled: boolean | null }
  | { readonly table: 'webhook_attempts' | 'idempotency_keys' | 'inbound_messages' | 'media'; readonly at: number };

export type RetentionDecision =
  | { readonly kind: 'remove' }
  /** Ledger rows: summed into the account's balance-forward row, then removed. */
  | { readonly kind: 'fold' }
  | { readonly kind: 'keep'; readonly reason: 'within_retention' | 'in_use' };

/** A row is past its table's horizon when it is at least the retention period old. */
export function retentionCutoff(policy: RetentionPolicy, table: RetainedTable, now: number): number {
  return now - policy[table];
}

function inUse(facts: RetentionFacts): boolean {
  switch (facts.table) {
    case 'messages':
      return facts.hasJob || !SETTLED_MESSAGE_STATES.includes(facts.state);
    case 'events':
      return !facts.fannedOut || facts.hasDeliveries;
    case 'webhook_deliveries':
      return facts.pending;
    case 'meta_webhooks':
      return !facts.applied;
    case 'credit_ledger':
      // A reservation is needed until the message is settled or refunded: both statements read it.
      return facts.messageSettled === false;
    default:
      return false;
  }
}

export function decideRetention(facts: RetentionFacts, policy: RetentionPolicy, now: number): RetentionDecision {
  if (facts.at > retentionCutoff(policy, facts.table, now)) return { kind: 'keep', reason: 'within_retention' };
  if (inUse(facts)) return { kind: 'keep', reason: 'in_use' };
  return facts.table === 'credit_ledger' ? { kind: 'fold' } : { kind: 'remove' };
}
