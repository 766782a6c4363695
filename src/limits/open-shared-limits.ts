/**
 * The limits that keep every gateway process together inside Meta's rules and the accounts' own: send permits for
 * the dispatcher and the HTTP request limiters. With a Redis URL they live in Redis, shared by every process; without
 * one, in this process's memory (one process with its embedded SQLite).
 */
import { MemorySendPermits } from '../dispatch/memory-send-permits.js';
import type { RatePermitConfig } from '../dispatch/rate-permit.js';
import { RedisSendPermits } from '../dispatch/redis/redis-send-permits.js';
import type { SendPermits } from '../dispatch/send-permits.js';
import { memoryRequestLimiters, redisRequestLimiters, type RequestLimiters } from '../http/request-limiters.js';
import { openRedis, type RedisConnectionOptions, type ServiceHealth } from '../runtime/redis.js';

export interface SharedLimitsOptions {
  /** redis://… shares the limits between processes; undefined keeps them in this process's memory. */
  readonly redisUrl: string | undefined;
  /** Starts every Redis key, so deployments and tests can share one Redis. */
  readonly prefix: string;
  readonly permits: RatePermitConfig;
  /** The memory permits' clock (Redis permits read the Redis server's). */
  readonly now: () => number;
  readonly connection?: RedisConnectionOptions;
}

export interface SharedLimits {
  readonly permits: SendPermits;
  readonly requestLimiters: RequestLimiters;
  /** Whether the limits can be read: while they cannot, dispatch waits and the HTTP limits count per process. */
  health(): Promise<ServiceHealth>;
  close(): Promise<void>;
}

export function openSharedLimits(options: SharedLimitsOptions): SharedLimits {
  if (options.redisUrl === undefined) {
    return {
      permits: new MemorySendPermits(options.permits, options.now),
      requestLimiters: memoryRequestLimiters,
      health: async () => ({ ok: true }),
      close: async () => undefined,
    };
  }
  const redis = openRedis(options.redisUrl, options.connection);
  const { prefix } = options;
  const permits = new RedisSendPermits({ client: redis.client, prefix, config: options.permits });
  return {
    permits,
    requestLimiters: redisRequestLimiters(redis.client, prefix),
    async health() {
      const ping = await redis.health();
      return ping.ok ? permits.status() : ping;
    },
    close: () => redis.close(),
  };
}
