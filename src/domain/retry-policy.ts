/**
 * What the dispatcher does after a failed upstream call. The catalog entry's retry class decides whether to retry;
 * the configured schedule decides how long to wait. Pure: `now` and `random` come from the caller.
 */
import type { RetryHint } from '../catalog/entry.js';

export interface RetrySchedule {
  /** First backoff step for transient failures. */
  readonly baseMs: number;
  readonly factor: number;
  /** No single wait grows beyond this. */
  readonly capMs: number;
  /** Calls to make in all, the first included; then the message fails. */
  readonly maxAttempts: number;
  /** A message older than this is not retried any more. */
  readonly maxAgeMs: number;
  /** Wait used for `throttled` and `wait` errors that carry no hint of their own. */
  readonly defaultHoldMs: number;
  /** A parked number is tried again after this long at most, whatever the hint said (the next answer re-parks it). */
  readonly maxHoldMs: number;
  /**
   * A number parked on the catalog's own hint (no wait given in the answer) sends one probe after this long, sooner
   * than the hint: maintenance often ends early, and the probe's answer re-parks the number if it has not.
   */
  readonly waitProbeMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  baseMs: 1_000,
  factor: 2,
  capMs: 5 * 60_000,
  maxAttempts: 10,
  maxAgeMs: 24 * 3_600_000,
  defaultHoldMs: 60_000,
  maxHoldMs: 24 * 3_600_000,
  waitProbeMs: 5_000,
};

export interface FailedAttempt {
  readonly retry: RetryHint;
  /** Calls made so far for this message, including the one that just failed (≥ 1). */
  readonly attempts: number;
  readonly firstAttemptAt: number;
  readonly now: number;
  /** What the answer itself asked for (Retry-After, a parsed wait), in seconds. */
  readonly retryAfterSeconds?: number;
  /** Set when the upstream may have accepted the call (its answer was lost): no retry before its status webhook had this long to come. */
  readonly statusGraceMs?: number;
}

export type RetryDecision =
  /** Call again at `at`; `slowDown` asks the rate limiter to lower the number's pace for a while. */
  | { readonly kind: 'retry'; readonly at: number; readonly slowDown: boolean }
  /** The number cannot send until `until`: hold its whole queue, this message included; then one probe goes first. */
  | { readonly kind: 'park-number'; readonly until: number }
  /** The number's credentials were refused: hold its queue until an operator replaces the token. */
  | { readonly kind: 'pause-number' }
  /** Give up on this message; `exhausted` tells a retryable error that ran out of attempts or time. */
  | { readonly kind: 'fail'; readonly exhausted: boolean };

function backoffMs(schedule: RetrySchedule, attempts: number): number {
  return Math.min(schedule.capMs, schedule.baseMs * schedule.factor ** (attempts - 1));
}

function hintedWaitMs(failure: FailedAttempt): number | undefined {
  const { retry, retryAfterSeconds, attempts } = failure;
  if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000;
  if (retry.backoff) return retry.backoff.baseSeconds * retry.backoff.factor ** (attempts - 1) * 1000;
  if (retry.delaySeconds !== undefined) return retry.delaySeconds * 1000;
  return undefined;
}

function outOfBudget(failure: FailedAttempt, schedule: RetrySchedule, at: number): boolean {
  return failure.attempts >= schedule.maxAttempts || at - failure.firstAttemptAt > schedule.maxAgeMs;
}

export function decideRetry(failure: FailedAttempt, schedule: RetrySchedule, random: () => number): RetryDecision {
  const { retry, now } = failure;
  switch (retry.class) {
    case 'fix-request':
    case 'permanent':
      return { kind: 'fail', exhausted: false };
    case 'reauth':
      return { kind: 'pause-number' };
    case 'wait': {
      const wait = hintedWaitMs(failure) ?? schedule.defaultHoldMs;
      const probeAfter = failure.retryAfterSeconds === undefined ? Math.min(wait, schedule.waitProbeMs) : wait;
      return { kind: 'park-number', until: now + Math.min(probeAfter, schedule.maxHoldMs) };
    }
    case 'transient': {
      // Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): spreads a crowd of retries evenly.
      const jittered = Math.floor(random() * backoffMs(schedule, failure.attempts));
      const at = now + Math.max(jittered, hintedWaitMs(failure) ?? 0, failure.statusGraceMs ?? 0);
      return outOfBudget(failure, schedule, at) ? { kind: 'fail', exhausted: true } : { kind: 'retry', at, slowDown: false };
    }
    case 'throttled': {
      // The hint is a floor; a little jitter above it keeps throttled messages from returning in one burst.
      const floor = hintedWaitMs(failure) ?? schedule.defaultHoldMs;
      const at = now + floor + Math.floor(random() * floor * 0.2);
      return outOfBudget(failure, schedule, at) ? { kind: 'fail', exhausted: true } : { kind: 'retry', at, slowDown: true };
    }
  }
}
