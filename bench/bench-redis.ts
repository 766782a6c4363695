/**
 * The Redis a benchmark's gateways share (BENCH_REDIS_URL, default the test server), under a key prefix of its own
 * that is removed afterwards; the shared server is never flushed.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

const SERVER = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchRedis {
  readonly url: string;
  readonly prefix: string;
  /** Deletes every key under the prefix. */
  clear(): Promise<void>;
}

export function benchRedis(): BenchRedis {
  const prefix = `bench-${randomBytes(5).toString('hex')}:`;
  return {
    url: SERVER,
    prefix,
    async clear() {
      const redis = new Redis(SERVER, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
          if (keys.length > 0) await redis.del(...keys);
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** Undefined when the bench's Redis answers PING, else why not. */
export async function redisUnreachable(): Promise<string | undefined> {
  const redis = new Redis(SERVER, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${new URL(SERVER).host}: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
}
