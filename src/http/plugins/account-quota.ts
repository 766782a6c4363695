/**
 * Operator controls applied to every tenant request after authentication: blocked paths (403 `path_blocked`) and the
 * account's request quotas, "1 request every N seconds" and requests per minute (429 `rate_limited` with Retry-After
 * and the IETF RateLimit headers).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { AccountControls } from '../../domain/account.js';
import { checkBlockedPath } from '../../domain/preflight/blocked-path.js';
import type { Store } from '../../store/store.js';
import { memoryRequestLimiters, type RequestLimiters } from '../request-limiters.js';

interface Quota {
  readonly points: number;
  readonly seconds: number;
  readonly describe: string;
}

/** The tighter quotas first: an interval answers "1 request every N seconds", as seed 002's usage limit does. */
function quotasOf(controls: AccountControls): Quota[] {
  const quotas: Quota[] = [];
  if (controls.requestIntervalMs !== null) {
    const seconds = Math.max(1, Math.round(controls.requestIntervalMs / 1000));
    quotas.push({ points: 1, seconds, describe: `1 request every ${seconds} seconds` });
  }
  if (controls.requestsPerMinute !== null) quotas.push({ points: controls.requestsPerMinute, seconds: 60, describe: `${controls.requestsPerMinute} requests per minute` });
  return quotas;
}

/** `limiters` say where quotas are counted: this process's memory by default, or Redis shared by every process. */
export function accountQuota(options: { store: Pick<Store, 'controls'>; limiters?: RequestLimiters }) {
  const { store, limiters = memoryRequestLimiters } = options;
  if (!store) throw new Error('accountQuota needs the store');
  // rate-limiter-flexible fixes points and duration per instance: one limiter per distinct quota.
  const byQuota = new Map<string, RateLimiterAbstract>();
  const limiterFor = (q: Quota): RateLimiterAbstract => {
    const key = `${q.points}/${q.seconds}`;
    let limiter = byQuota.get(key);
    if (!limiter) byQuota.set(key, (limiter = limiters({ points: q.points, durationSeconds: q.seconds, name: `quota${key}` })));
    return limiter;
  };

  return async function enforceAccountControls(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const account = request.account;
    if (!account) return;
    const controls = await store.controls.getControls(account.id);
    const blocked = checkBlockedPath(controls.blockedPaths, { method: request.method, route: request.routeOptions.url ?? '', url: request.url });
    if (blocked.kind === 'refuse') throw blocked.error;
    for (const quota of quotasOf(controls)) {
      let answer: RateLimiterRes;
      try {
        answer = await limiterFor(quota).consume(account.id);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        setRateLimitHeaders(reply, quota, 0, retryAfter);
        throw gatewayError('rate_limited', {
          detail: `You have exceeded the limit of ${quota.describe}. Try again later.`,
          retryAfterSeconds: retryAfter,
        });
      }
      setRateLimitHeaders(reply, quota, answer.remainingPoints, Math.max(0, Math.ceil(answer.msBeforeNext / 1000)));
    }
  };
}

/** draft-ietf-httpapi-ratelimit-headers: the last quota checked (the widest) is the one the headers describe. */
function setRateLimitHeaders(reply: FastifyReply, quota: Quota, remaining: number, resetSeconds: number): void {
  reply.header('ratelimit-limit', String(quota.points));
  reply.header('ratelimit-remaining', String(Math.max(0, remaining)));
  reply.header('ratelimit-reset', String(resetSeconds));
  reply.header('ratelimit-policy', `${quota.points};w=${quota.seconds}`);
}
