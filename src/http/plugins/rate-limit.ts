/** Per-account request rate limits (the account's requests per second), answered with 429 `rate_limited` and Retry-After. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { memoryRequestLimiters, type RequestLimiters } from '../request-limiters.js';

/** Counted where `limiters` count: this process's memory, or Redis shared by every gateway process. */
export function accountRateLimit(limiters: RequestLimiters = memoryRequestLimiters) {
  // One limiter per distinct limit value: rate-limiter-flexible fixes `points` per instance.
  const byPoints = new Map<number, RateLimiterAbstract>();
  const limiterFor = (points: number): RateLimiterAbstract => {
    let limiter = byPoints.get(points);
    if (!limiter) byPoints.set(points, (limiter = limiters({ points, durationSeconds: 1, name: `acct${points}` })));
    return limiter;
  };
  return function enforceAccountRateLimit(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
    const limit = request.account?.rateLimitPerSecond;
    // Accounts without a limit pass without a promise being made.
    if (!request.account || limit === null || limit === undefined) return done();
    limiterFor(limit)
      .consume(request.account.id)
      .then(
        () => done(),
        (rejection: unknown) => {
          if (!(rejection instanceof RateLimiterRes)) return done(rejection instanceof Error ? rejection : new Error(String(rejection)));
          done(
            gatewayError('rate_limited', {
              detail: `The account may make ${limit} requests per second.`,
              retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
            }),
          );
        },
      );
  };
}
