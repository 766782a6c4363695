/**
 * The dashboard's aggregate reads under /v1/stats and one message's history: open to account keys (their account) and
 * admin keys (every account, or the one `account_id` names). Polled with If-None-Match (see plugins/etag.ts).
 */
import type { FastifyInstance } from 'fastify';
import { parseTime } from '../../app/checks.js';
import {
  ENDPOINT_RATE_PERIOD_MS, endpointBacklogView, errorStats, messageStats, numberQueueView, statsWindow,
} from '../../app/stats.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import { circuitStates, preflightCounts } from '../../observability/readings.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { fromCompatWamid } from '../compat-ids.js';
import { readScope } from '../plugins/any-key.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';
import {
  ACCOUNT_FILTER_QUERY, ERROR_STATS_SCHEMA, MESSAGE_HISTORY_SCHEMA, MESSAGE_STATS_SCHEMA, QUEUE_STATS_SCHEMA, STATS_QUERY,
} from '../schemas/stats.js';
import { messageView } from '../views.js';

export interface StatsRouteDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** Where preflight refusals and circuits are read; without it those answer null. */
  readonly metrics?: GatewayMetrics;
}

interface StatsQuery { since?: string; until?: string; period_seconds?: number; bucket_seconds?: number; account_id?: string }

const READ_ERRORS = [...AUTH_ERRORS, 'forbidden', 'invalid_request'] as const;
const iso = (ms: number): string => new Date(ms).toISOString();

export function statsRoutes(app: FastifyInstance, deps: StatsRouteDeps): void {
  const windowOf = (request: { query: StatsQuery } & Parameters<typeof readScope>[0]) => statsWindow({
    accountId: readScope(request, request.query.account_id),
    since: parseTime(request.query.since, 'since'), until: parseTime(request.query.until, 'until'),
    periodSeconds: request.query.period_seconds, bucketSeconds: request.query.bucket_seconds,
  }, deps.clock.now());

  app.get('/v1/me', {
    schema: {
      tags: ['stats'], summary: 'Which key this is: its kind, and its account for account keys (the dashboard\u2019s login)',
      response: {
        200: { type: 'object', properties: { kind: { type: 'string', enum: ['admin', 'account'] }, key_id: { type: 'string' }, key_name: { type: 'string' }, account_id: { type: ['string', 'null'] }, account_name: { type: ['string', 'null'] } } },
        ...errorResponses(AUTH_ERRORS),
      },
    },
  }, async function whoAmI(request) {
    const key = request.apiKey!;
    return { kind: key.kind, key_id: key.id, key_name: key.name, account_id: request.account?.id ?? null, account_name: request.account?.name ?? null };
  });

  app.get<{ Querystring: StatsQuery }>('/v1/stats/messages', {
    schema: {
      tags: ['stats'], summary: 'Messages per bucket by status, and the status funnel of the period',
      querystring: STATS_QUERY, response: { 200: MESSAGE_STATS_SCHEMA, ...errorResponses(READ_ERRORS) },
    },
  }, async function messageStatsRoute(request) {
    const window = windowOf(request);
    return messageStats(window, await deps.store.dashboard.statusCounts(window));
  });

  app.get<{ Querystring: StatsQuery }>('/v1/stats/errors', {
    schema: {
      tags: ['stats'], summary: 'Failures per bucket by catalog code, and the share of bad sends preflight stopped',
      querystring: STATS_QUERY, response: { 200: ERROR_STATS_SCHEMA, ...errorResponses(READ_ERRORS) },
    },
  }, async function errorStatsRoute(request) {
    const window = windowOf(request);
    // Refusals are counted per process for every account: only an admin key may see them.
    const preflight = request.account === null && deps.metrics ? await preflightCounts(await deps.metrics.view()) : null;
    return errorStats(window, await deps.store.dashboard.failureCounts(window), preflight);
  });

  app.get<{ Querystring: { account_id?: string } }>('/v1/stats/queues', {
    schema: {
      tags: ['stats'], summary: 'Queue depth, oldest due job and throughput per number; circuits; webhook backlog per endpoint',
      querystring: ACCOUNT_FILTER_QUERY, response: { 200: QUEUE_STATS_SCHEMA, ...errorResponses(READ_ERRORS) },
    },
  }, async function queueStatsRoute(request) {
    const accountId = readScope(request, request.query.account_id);
    const now = deps.clock.now();
    const [numbers, endpoints] = await Promise.all([
      deps.store.dashboard.numberActivity(accountId, now),
      deps.store.dashboard.endpointActivity(accountId, now - ENDPOINT_RATE_PERIOD_MS),
    ]);
    return {
      numbers: numbers.map((n) => numberQueueView(n, now)),
      circuits: deps.metrics ? await circuitStates(await deps.metrics.view()) : null,
      webhooks: endpoints.map(endpointBacklogView),
    };
  });

  app.get<{ Params: { id: string }; Querystring: { account_id?: string } }>('/v1/messages/:id/history', {
    schema: {
      tags: ['messages'], summary: 'One message\u2019s history: its states with times, its events and every webhook post of them',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      querystring: ACCOUNT_FILTER_QUERY,
      response: { 200: MESSAGE_HISTORY_SCHEMA, ...errorResponses([...READ_ERRORS, 'message_not_found']) },
    },
  }, async function messageHistoryRoute(request) {
    const history = await deps.store.dashboard.messageHistory(readScope(request, request.query.account_id), fromCompatWamid(request.params.id));
    if (!history) throw gatewayError('message_not_found', { detail: `No message ${request.params.id} in your account.` });
    return {
      message: messageView(history.message),
      pending: history.pending && {
        upstream_attempts: history.pending.attempts,
        first_attempt_at: history.pending.firstAttemptAt === null ? null : iso(history.pending.firstAttemptAt),
        next_attempt_at: iso(history.pending.dueAt),
      },
      events: history.events.map((e) => ({ id: e.id, type: e.type, at: iso(e.at), data: e.data })),
      webhook_attempts: history.attempts.map((a) => ({
        id: a.id, endpoint_id: a.endpointId, event_id: a.eventId, trigger: a.trigger, outcome: a.outcome, status_code: a.statusCode,
        duration_ms: a.durationMs, response_excerpt: a.excerpt, at: iso(a.at),
      })),
    };
  });
}
