/**
 * The message lifecycle: the only place that names a message state or decides a status change.
 *
 * ```
 *  POST /v1/messages ──▶ accepted ──claim──▶ queued ──upstream ok──▶ sent ──▶ delivered ──▶ read
 *        │ (validation/preflight      ▲  │          │                    │          │
 *        │  refusals never store)     └──┼─retry────┤ transient/throttled, └──────────┴─▶ failed (status webhook)
 *        ▼                               │          │ number held (wait/reauth), job handed back, or an answer
 *     (no row)                           │          │ that never came (timeout/reset after the request was written)
 *                                        │          └─ fix-request/permanent ──▶ failed
 *                                        └─ status webhook (sent, delivered, read, failed) ──▶ that state
 *  A queued job whose lease lapses (its worker died) is claimed again and stays queued.
 *
 *  POST /v1/messages with send_at ──▶ scheduled ──claim (due at send_at)──▶ queued
 *  scheduled / accepted / queued ──cancel (no call marked)──▶ canceled
 *  scheduled / accepted / queued ──expire (validity ran out before a call)──▶ failed, code `expired`
 * ```
 * `canceled` is final: a message canceled was never handed to the upstream, and no call is marked for it afterwards
 * (the cancel and the call mark are conditional writes on the same job row; whichever commits first wins).
 * A status webhook is Meta's proof that it has the message: it moves a message forward from any state before it,
 * `accepted` included (a retry was scheduled for a call Meta had in fact accepted, or a crash cut the call short).
 * Webhook statuses are monotonic: a late `delivered` never moves a `read` message back; `failed` may follow `sent`
 * (Meta reports undeliverable messages after accepting them) but never follows `delivered` or `read`.
 */

export const MESSAGE_STATES = ['accepted', 'queued', 'sent', 'delivered', 'read', 'failed', 'scheduled', 'canceled'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export const MESSAGE_EVENTS = [
  'claim',
  'retry',
  'upstream_accepted',
  'upstream_rejected',
  'status_sent',
  'status_delivered',
  'status_read',
  'status_failed',
  'cancel',
  'expire',
  'resubmit',
] as const;
export type MessageEvent = (typeof MESSAGE_EVENTS)[number];

/** The state a message is stored in when it is accepted. */
export const INITIAL_STATE: MessageState = 'accepted';
/** The state a message with a later `send_at` is stored in until its job is due. */
export const SCHEDULED_STATE: MessageState = 'scheduled';

/** For each event, the states it may start from and the state it leads to. */
export const TRANSITIONS: Readonly<Record<MessageEvent, { readonly from: readonly MessageState[]; readonly to: MessageState }>> = {
  claim: { from: ['scheduled', 'accepted', 'queued'], to: 'queued' },
  retry: { from: ['queued'], to: 'accepted' },
  upstream_accepted: { from: ['queued'], to: 'sent' },
  upstream_rejected: { from: ['accepted', 'queued'], to: 'failed' },
  // A status webhook can overtake the HTTP answer that carries the wamid (`queued`), or arrive after an ambiguous or
  // interrupted call was handed back for a retry (`accepted`): either way Meta has the message.
  status_sent: { from: ['accepted', 'queued'], to: 'sent' },
  status_delivered: { from: ['accepted', 'queued', 'sent'], to: 'delivered' },
  status_read: { from: ['accepted', 'queued', 'sent', 'delivered'], to: 'read' },
  status_failed: { from: ['accepted', 'queued', 'sent'], to: 'failed' },
  // Only while no call is marked for its job: the store's cancel and expiry are conditional on that same job row.
  cancel: { from: ['scheduled', 'accepted', 'queued'], to: 'canceled' },
  expire: { from: ['scheduled', 'accepted', 'queued'], to: 'failed' },
  // An SMS centre's receipt of a transient failure (absent subscriber, congestion): the SMS goes again, as a retry.
  resubmit: { from: ['sent'], to: 'accepted' },
};

/** Progress order; a status update only ever moves a message up this ladder. */
export const STATE_RANK: Readonly<Record<MessageState, number>> = {
  accepted: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 5,
  // Before anything Meta can report on, and after everything: neither is ever handed to Meta.
  scheduled: -1,
  canceled: 6,
};

export type TransitionDecision =
  | { readonly kind: 'move'; readonly from: MessageState; readonly to: MessageState }
  | { readonly kind: 'refuse'; readonly reason: string };

export function transition(state: MessageState, event: MessageEvent): TransitionDecision {
  const rule = TRANSITIONS[event];
  if (!rule.from.includes(state)) return { kind: 'refuse', reason: `${event} cannot follow ${state}` };
  return { kind: 'move', from: state, to: rule.to };
}

export function isMessageState(value: string): value is MessageState {
  return (MESSAGE_STATES as readonly string[]).includes(value);
}

/** The states no event leads out of: the message's story is over (read, failed, canceled). */
export const FINAL_STATES: readonly MessageState[] = MESSAGE_STATES.filter((state) => Object.values(TRANSITIONS).every((rule) => !rule.from.includes(state)));
