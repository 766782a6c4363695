/**
 * When an upstream event happened, as far as we believe the upstream: Meta's timestamps are taken when they lie in a
 * sane range around our clock, and replaced by our clock otherwise, so that a far-future time cannot keep a 24-hour
 * window open for ever nor break dates downstream, and a missing or absurdly old one cannot close it at once.
 */

/** Clocks drift and batches queue: a little of the future is tolerated. */
export const EVENT_TIME_FUTURE_SKEW_MS = 5 * 60_000;
/** Meta retries an unacknowledged delivery for up to 7 days; older than this is not a real delivery time. */
export const EVENT_TIME_MAX_AGE_MS = 30 * 24 * 3600_000;

export type EventTime = { readonly kind: 'claimed'; readonly at: number } | { readonly kind: 'received'; readonly at: number; readonly claimed: unknown };

/** `claimedSeconds` is Meta's `timestamp` (seconds since the epoch, usually a string). */
export function decideEventTime(claimedSeconds: unknown, now: number): EventTime {
  const seconds = typeof claimedSeconds === 'string' && claimedSeconds.trim() !== '' ? Number(claimedSeconds) : claimedSeconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return { kind: 'received', at: now, claimed: claimedSeconds };
  const at = seconds * 1000;
  if (at > now + EVENT_TIME_FUTURE_SKEW_MS || at < now - EVENT_TIME_MAX_AGE_MS) return { kind: 'received', at: now, claimed: claimedSeconds };
  return { kind: 'claimed', at };
}
