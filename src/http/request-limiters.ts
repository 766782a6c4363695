/**
 * Where the HTTP limits (account rate, account quotas, failed-authentication lockout) count: this process's memory, or
 * Redis shared by every gateway process. A Redis limiter falls back to an in-memory one of the same shape while Redis
 * is away, so an outage never answers 500 nor refuses what the limits allow: during it, each process counts alone.
 */
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export interface RequestLimitShape {
  readonly points: number;
  readonly durationSeconds: number;
  /** Seconds a key that used up its points is refused (0: until its duration ends). */
  readonly blockSeconds?: number;
  /** Names the limit among the others; keys of two limits never meet. */
  readonly name: string;
}

/** Makes the limiter for one limit shape; rate-limiter-flexible fixes points and duration per limiter. */
export type RequestLimiters = (shape: RequestLimitShape) => RateLimiterAbstract;

function memoryOptions(shape: RequestLimitShape) {
  return { points: shape.points, duration: shape.durationSeconds, blockDuration: shape.blockSeconds ?? 0, keyPrefix: shape.name };
}

export const memoryRequestLimiters: RequestLimiters = function memoryRequestLimiter(shape) {
  return new RateLimiterMemory(memoryOptions(shape));
};

export function redisRequestLimiters(client: Redis, prefix: string): RequestLimiters {
  return function redisRequestLimiter(shape) {
    return new RateLimiterRedis({
      ...memoryOptions(shape),
      storeClient: client,
      keyPrefix: `${prefix}http:${shape.name}`,
      // A client that is not connected answers at once from the insurance instead of waiting for a timeout.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(memoryOptions(shape)),
    });
  };
}
