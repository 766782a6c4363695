/** Per-account request rate limits (the account's requests per second), answered with 429 `rate_limited` and Retry-After. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { gatewayError } from '../../catalog/switchboard-error.js';

/** In-process limits; a shared (Redis) limiter replaces this in the scale-out release. */
export function accountRateLimit() {
  // One limiter per distinct limit value: rate-limiter-flexible fixes `points` per instance.
  const limiters = new Map<number, RateLimiterMemory>();
  const limiterFor = (points: number): RateLimiterMemory => {
    let limiter = limiters.get(points);
    if (!limiter) limiters.set(points, (limiter = new RateLimiterMemory({ points, duration: 1, keyPrefix: `acct${points}` })));
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
