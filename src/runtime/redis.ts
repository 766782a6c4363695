/**
 * The one place a Redis client is opened: connected in the background, commands that fail fast while the server is away
 * (so callers can refuse and say why instead of hanging), reconnection with backoff for ever, and a PING health.
 */
import { Redis } from 'ioredis';

/** Whether a shared service answers; `reason` says why not, for /readyz and logs. */
export type ServiceHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface RedisConnectionOptions {
  /** How long one command may take before it fails, in ms: also how long a caller waits while Redis is away. */
  readonly commandTimeoutMs: number;
  /** Longest pause between two reconnection attempts, in ms. */
  readonly maxReconnectDelayMs: number;
}

export const DEFAULT_REDIS_CONNECTION_OPTIONS: RedisConnectionOptions = { commandTimeoutMs: 1_000, maxReconnectDelayMs: 2_000 };

export interface RedisConnection {
  readonly client: Redis;
  health(): Promise<ServiceHealth>;
  close(): Promise<void>;
}

export function openRedis(url: string, options: RedisConnectionOptions = DEFAULT_REDIS_CONNECTION_OPTIONS): RedisConnection {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`a Redis URL starts with redis:// or rediss:// (got "${url}")`);
  let lastError = 'not connected yet';
  // Not lazy: opening never waits nor throws, but connects in the background (and again whenever the connection is
  // lost), so callers that only look at the client's state (the HTTP limiters) find it ready once Redis answers.
  const client = new Redis(url, {
    // One retry at most: a command queued while the server is away fails after the first reconnection attempt.
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), options.maxReconnectDelayMs),
  });
  // A listener keeps connection errors from becoming unhandled 'error' events; health() reports the latest one.
  client.on('error', (error: Error) => {
    lastError = error.message || error.name;
  });
  return {
    client,
    async health() {
      try {
        await client.ping();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: `Redis does not answer: ${error instanceof Error ? error.message : String(error)} (last connection error: ${lastError})` };
      }
    },
    async close() {
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
