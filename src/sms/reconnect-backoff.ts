/** How long a connector waits before its next connection attempt: doubling from a base up to a cap, with ±20% jitter. */

export interface ReconnectBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: ReconnectBackoff = { baseMs: 500, maxMs: 30_000 };

/** `attempt` counts failed attempts since the last bind (0 = the first retry); `random` is in [0, 1). */
export function reconnectDelayMs(backoff: ReconnectBackoff, attempt: number, random: number): number {
  const plain = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(plain * (0.8 + 0.4 * random));
}
