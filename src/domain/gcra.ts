/**
 * The generic cell rate algorithm (ITU-T I.371), the token bucket written as one timestamp: `tat`, the theoretical
 * arrival time of the next permit. Pure and exact, so "never more than the configured rate" can be reasoned about.
 */

export interface Pace {
  /** Milliseconds between permits at the steady rate. */
  readonly intervalMs: number;
  /** Permits that may go back to back after a quiet spell (1 = no burst). */
  readonly burst: number;
}

export type PermitDecision =
  | { readonly granted: true; readonly tat: number }
  | { readonly granted: false; readonly retryAt: number };

export function paceOf(perSecond: number, burst = 1): Pace {
  return { intervalMs: 1000 / perSecond, burst: Math.max(1, Math.floor(burst)) };
}

/** Grants a permit at `now` when the pace allows, else says when one will be free. */
export function takePermit(pace: Pace, tat: number, now: number): PermitDecision {
  const tolerance = (pace.burst - 1) * pace.intervalMs;
  const earliest = tat - tolerance;
  if (now < earliest) return { granted: false, retryAt: earliest };
  return { granted: true, tat: Math.max(now, tat) + pace.intervalMs };
}
