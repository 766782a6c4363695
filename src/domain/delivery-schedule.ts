/**
 * When to try a customer webhook again, and when to give up on an endpoint. The schedule is data (config); one pure
 * function does the delay maths, after svix's worker: base from the schedule, at least a minute after a timeout or a
 * 429, the receiver's Retry-After honoured but clamped to [base, 2 × base], then ±20 % jitter.
 */

export interface DeliverySchedule {
  /** Waits before each retry; attempts in all = retries.length + 1. */
  readonly retriesMs: readonly number[];
  /** An endpoint that has failed without a single success for this long is disabled. */
  readonly disableAfterMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const DEFAULT_DELIVERY_SCHEDULE: DeliverySchedule = {
  retriesMs: [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
  disableAfterMs: 5 * 24 * HOUR,
};

export type DeliveryOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network' };

export type RedeliveryDecision = { readonly kind: 'retry'; readonly at: number } | { readonly kind: 'give-up' };

const SLOW_DOWN_FLOOR_MS = MINUTE;

/** `attempts` counts the attempts made so far, the failed one included. */
export function decideRedelivery(
  outcome: Exclude<DeliveryOutcome, { kind: 'delivered' }>,
  attempts: number,
  now: number,
  schedule: DeliverySchedule,
  random: () => number,
): RedeliveryDecision {
  const base = schedule.retriesMs[attempts - 1];
  if (base === undefined) return { kind: 'give-up' };
  const asksToSlowDown = outcome.kind === 'timeout' || (outcome.kind === 'status' && outcome.status === 429);
  let delay = asksToSlowDown ? Math.max(base, SLOW_DOWN_FLOOR_MS) : base;
  if (outcome.kind === 'status' && outcome.retryAfterSeconds !== undefined) {
    delay = Math.min(Math.max(outcome.retryAfterSeconds * SECOND, delay), 2 * Math.max(delay, SECOND));
  }
  const jitter = 1 + (random() * 0.4 - 0.2);
  return { kind: 'retry', at: now + Math.round(delay * jitter) };
}

/** Disabling follows a period of failure, never a count: a burst of failures in one minute must not kill an endpoint. */
export function shouldDisableEndpoint(failingSince: number | null, now: number, schedule: DeliverySchedule): boolean {
  return failingSince !== null && now - failingSince >= schedule.disableAfterMs;
}
