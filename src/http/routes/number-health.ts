/** `GET /v1/numbers/{id}/health`: can this number send now, and every reason it cannot (tenant-scoped). */
import type { FastifyInstance } from 'fastify';
import { numberHealth, type NumberHealthReport } from '../../app/number-health.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { accountOf } from '../plugins/auth.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';

const nullableString = { type: ['string', 'null'] } as const;

const REASON = {
  type: 'object',
  required: ['reason', 'blocking', 'detail'],
  properties: {
    reason: { type: 'string', enum: ['not_registered', 'restricted', 'disconnected', 'parked', 'circuit_open', 'messaging_limit_reached', 'quality_low'] },
    blocking: { type: 'boolean', description: 'false: the number still sends, at risk' },
    detail: { type: 'string' },
    until: { type: 'string', description: 'When the reason ends by itself (ISO 8601), when known' },
  },
} as const;

export const NUMBER_HEALTH_VIEW = {
  type: 'object',
  required: ['number_id', 'can_send', 'reasons'],
  properties: {
    number_id: { type: 'string' },
    can_send: { type: 'boolean', description: 'false when any reason is blocking' },
    reasons: { type: 'array', items: REASON },
    quality_rating: { ...nullableString, description: 'GREEN, YELLOW, RED, UNKNOWN as Meta last reported; null = never' },
    messaging_tier: { ...nullableString, description: 'Meta\u2019s tier name as last reported (TIER_2K …)' },
    messaging_limit: { type: ['integer', 'null'], description: 'Unique template recipients per 24 h counted against; null = no limit' },
    messaging_limit_source: { type: ['string', 'null'], enum: ['configured', 'meta', null] },
    unique_recipients_24h: { type: 'integer' },
    restriction: {
      type: ['object', 'null'],
      properties: { event: { type: 'string' }, types: { type: 'array', items: { type: 'string' } }, until: nullableString },
    },
    violation: nullableString,
  },
} as const;

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

function healthView(r: NumberHealthReport): Record<string, unknown> {
  const { restriction } = r.health;
  return {
    number_id: r.numberId, can_send: r.canSend,
    reasons: r.reasons.map(({ until, ...reason }) => ({ ...reason, ...(until === undefined ? {} : { until: iso(until) }) })),
    quality_rating: r.health.qualityRating, messaging_tier: r.health.messagingTier, messaging_limit: r.tier ?? null,
    messaging_limit_source: r.tierSource, unique_recipients_24h: r.uniqueRecipients24h,
    restriction: restriction === null ? null : { event: restriction.event, types: restriction.types, until: iso(restriction.until) },
    violation: r.health.violation,
  };
}

export interface NumberHealthRouteDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The circuits of the dispatcher in this process; absent = none runs here. */
  readonly circuits?: () => readonly { readonly open: boolean }[];
}

export function numberHealthRoutes(app: FastifyInstance, deps: NumberHealthRouteDeps): void {
  app.get<{ Params: { id: string } }>('/v1/numbers/:id/health', {
    schema: {
      tags: ['numbers'], summary: 'Can this number send now, and if not, why',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      response: { 200: NUMBER_HEALTH_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) },
    },
  }, async function readNumberHealth(request) {
    const circuitOpen = deps.circuits?.().some((c) => c.open) ?? false;
    return healthView(await numberHealth(deps.store, accountOf(request).id, request.params.id, { now: deps.clock.now(), circuitOpen }));
  });
}
