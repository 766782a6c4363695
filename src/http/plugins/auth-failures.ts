/**
 * Failed authentication per client address: after `limit` wrong or revoked keys within a minute, the address is
 * refused with 429 `too_many_failed_auth` for `lockoutSeconds`, whatever key it presents, so keys cannot be guessed
 * at speed. Valid keys count nothing and wait for nothing.
 */
import { RateLimiterRes } from 'rate-limiter-flexible';
import { memoryRequestLimiters, type RequestLimiters } from '../request-limiters.js';

/** The port the auth hook uses; counted where the given limiters count (memory, or Redis shared by every process). */
export interface AuthFailureCounter {
  /** Seconds the client must still wait before it may authenticate; 0 when it may. */
  lockedFor(client: string): Promise<number>;
  /** Counts one failed attempt; answers the seconds of lockout when this attempt crossed the limit, else 0. */
  recordFailure(client: string): Promise<number>;
}

export interface AuthFailureLimits {
  /** Failed attempts one address may make within a minute. */
  readonly limit: number;
  readonly lockoutSeconds: number;
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = { limit: 20, lockoutSeconds: 300 };

const secondsOf = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export function authFailureCounter(limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS, limiters: RequestLimiters = memoryRequestLimiters): AuthFailureCounter {
  if (!Number.isInteger(limits.limit) || limits.limit < 1 || !(limits.lockoutSeconds >= 1))
    throw new Error('authFailureCounter needs a limit ≥ 1 and a lockout of at least a second');
  const failures = limiters({ points: limits.limit, durationSeconds: 60, blockSeconds: limits.lockoutSeconds, name: 'authfail' });
  return {
    async lockedFor(client) {
      const state = await failures.get(client);
      return state !== null && state.consumedPoints > limits.limit ? secondsOf(state.msBeforeNext) : 0;
    },
    async recordFailure(client) {
      try {
        await failures.consume(client);
        return 0;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return secondsOf(rejection.msBeforeNext);
      }
    },
  };
}
