/** A token bucket as plain data: the arithmetic behind per-number throughput (130429) and the pair rate (131056). */
export interface Bucket {
  readonly tokens: number;
  readonly at: number;
}

export type TakeDecision =
  | { readonly kind: 'take'; readonly bucket: Bucket }
  | { readonly kind: 'refuse'; readonly bucket: Bucket; readonly retryAfterMs: number };

/** Takes one token; a new bucket starts full, so the first `capacity` sends go at once (Meta's bursts). */
export function takeToken(bucket: Bucket | undefined, now: number, capacity: number, refillPerMs: number): TakeDecision {
  const elapsed = bucket === undefined ? 0 : Math.max(0, now - bucket.at);
  const tokens = bucket === undefined ? capacity : Math.min(capacity, bucket.tokens + elapsed * refillPerMs);
  if (tokens >= 1) return { kind: 'take', bucket: { tokens: tokens - 1, at: now } };
  return { kind: 'refuse', bucket: { tokens, at: now }, retryAfterMs: Math.ceil((1 - tokens) / refillPerMs) };
}
