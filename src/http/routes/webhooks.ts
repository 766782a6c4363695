/**
 * Customer webhook endpoints: create, list, read, update, delete, rotate the signing secret, read attempts, replay
 * (a time range or failed only) and test-send. Deliveries themselves are the worker's (src/webhooks/outbound/).
 */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { parseTime } from '../../app/checks.js';
import { EVENT_TYPES, type EventType } from '../../domain/events.js';
import { checkWebhookUrl } from '../../webhooks/outbound/address-guard.js';
import { generateWebhookSecret } from '../../webhooks/outbound/sign.js';
import { sendTestWebhook } from '../../webhooks/outbound/test-send.js';
import type { WebhookSender } from '../../webhooks/outbound/webhook-sender.js';
import type { AttemptRecord, EndpointRecord, WebhookStore } from '../../store/webhook-store.js';
import type { Clock } from '../clock.js';
import { accountOf } from '../plugins/auth.js';
import { integerField, pageLimitField } from '../schemas/numbers.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';

export interface WebhookRouteDeps {
  readonly store: WebhookStore;
  readonly clock: Clock;
  /** Endpoints on private and loopback addresses are accepted (tests, a gateway inside the customer's network). */
  readonly allowPrivate: boolean;
  /** Posts test sends; absent = test-send answers 503 service_unavailable. */
  readonly sender?: WebhookSender;
  /** A replay queued deliveries: the worker can look now. */
  readonly onReplay?: () => void;
}

/** Customer-facing event types: endpoint.disabled is one too, so a second endpoint can watch the first. */
const SUBSCRIBABLE = EVENT_TYPES;
const DEFAULT_GRACE_SECONDS = 24 * 3600;
const SECRET_PATTERN = '^whsec_[A-Za-z0-9+/]{32,}={0,2}$';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const ENDPOINT_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, url: { type: 'string' }, description: { type: ['string', 'null'] },
    event_types: { type: 'array', items: { type: 'string' }, description: 'Empty: every event type.' },
    enabled: { type: 'boolean' }, disabled_reason: { type: ['string', 'null'] }, rate_limit_per_second: { type: ['integer', 'null'] },
    failing_since: { type: ['string', 'null'] }, created_at: { type: 'string' }, updated_at: { type: 'string' },
    secret: { type: 'string', description: 'Shown only when created or rotated.' },
  },
} as const;

const ATTEMPT_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, delivery_id: { type: ['string', 'null'] }, event_id: { type: 'string' }, url: { type: 'string' },
    trigger: { type: 'string', enum: ['scheduled', 'manual', 'test'] }, outcome: { type: 'string', enum: ['delivered', 'status', 'timeout', 'network'] },
    status_code: { type: ['integer', 'null'] }, duration_ms: { type: 'integer' }, response: { type: ['string', 'null'] },
    next_attempt_at: { type: ['string', 'null'] }, created_at: { type: 'string' },
  },
} as const;

const ENDPOINT_FIELDS = {
  url: { type: 'string', minLength: 1, maxLength: 2048 },
  description: { type: ['string', 'null'], maxLength: 500 },
  event_types: { type: 'array', items: { type: 'string', enum: [...SUBSCRIBABLE] }, uniqueItems: true, description: 'Empty or absent: every event type.' },
  enabled: { type: 'boolean' },
  rate_limit_per_second: integerField(1, 10_000, { nullable: true }),
} as const;

interface EndpointBody {
  url?: string; description?: string | null; event_types?: EventType[]; enabled?: boolean; rate_limit_per_second?: number | null; secret?: string;
}

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const NOT_FOUND = [...AUTH_ERRORS, 'webhook_endpoint_not_found'] as const;

function endpointView(e: EndpointRecord, secret?: string) {
  return {
    id: e.id, url: e.url, description: e.description, event_types: e.eventTypes, enabled: e.enabled, disabled_reason: e.disabledReason,
    rate_limit_per_second: e.rateLimitPerSecond, failing_since: iso(e.failingSince), created_at: iso(e.createdAt), updated_at: iso(e.updatedAt),
    ...(secret === undefined ? {} : { secret }),
  };
}

function attemptView(a: AttemptRecord) {
  return {
    id: a.id, delivery_id: a.deliveryId, event_id: a.eventId, url: a.url, trigger: a.trigger, outcome: a.outcome.kind, status_code: a.statusCode,
    duration_ms: Math.round(a.durationMs), response: a.excerpt, next_attempt_at: iso(a.nextAttemptAt), created_at: iso(a.createdAt),
  };
}

export function webhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  const { store, clock } = deps;

  function checkedUrl(url: string): string {
    const verdict = checkWebhookUrl(url, deps.allowPrivate);
    if (!verdict.ok) throw gatewayError('webhook_endpoint_invalid', { detail: `The URL cannot receive webhooks: ${verdict.reason}.`, field: 'url' });
    return verdict.url.toString();
  }

  async function owned(accountId: string, id: string): Promise<EndpointRecord> {
    const endpoint = await store.getEndpoint(accountId, id);
    if (!endpoint) throw gatewayError('webhook_endpoint_not_found', { detail: `No webhook endpoint ${id} in your account.` });
    return endpoint;
  }

  app.post<{ Body: EndpointBody }>('/v1/webhooks', {
    schema: {
      tags: ['webhooks'], summary: 'Add a webhook endpoint',
      description: 'Events are signed after Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with the `secret` answered here, once.',
      body: { type: 'object', required: ['url'], additionalProperties: false, properties: { ...ENDPOINT_FIELDS, secret: { type: 'string', pattern: SECRET_PATTERN } } },
      response: { 201: ENDPOINT_VIEW, ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS, 'webhook_endpoint_invalid']) },
    },
  }, async function createEndpoint(request, reply) {
    const body = request.body;
    const secret = body.secret ?? generateWebhookSecret();
    const endpoint = await store.createEndpoint({
      accountId: accountOf(request).id, url: checkedUrl(body.url ?? ''), secret,
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.event_types ? { eventTypes: body.event_types } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      ...(body.rate_limit_per_second !== undefined ? { rateLimitPerSecond: body.rate_limit_per_second } : {}),
    }, clock.now());
    return reply.code(201).send(endpointView(endpoint, secret));
  });

  app.get('/v1/webhooks', {
    schema: { tags: ['webhooks'], summary: 'Your webhook endpoints', response: { 200: { type: 'object', properties: { data: { type: 'array', items: ENDPOINT_VIEW } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listEndpoints(request) {
    return { data: (await store.listEndpoints(accountOf(request).id)).map((e) => endpointView(e)) };
  });

  app.get<{ Params: { id: string } }>('/v1/webhooks/:id', {
    schema: { tags: ['webhooks'], summary: 'One webhook endpoint', params: ID_PARAMS, response: { 200: ENDPOINT_VIEW, ...errorResponses(NOT_FOUND) } },
  }, async function readEndpoint(request) {
    return endpointView(await owned(accountOf(request).id, request.params.id));
  });

  app.patch<{ Params: { id: string }; Body: EndpointBody }>('/v1/webhooks/:id', {
    schema: {
      tags: ['webhooks'], summary: 'Change a webhook endpoint; enabling it again clears its failure streak', params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: ENDPOINT_FIELDS },
      response: { 200: ENDPOINT_VIEW, ...errorResponses([...NOT_FOUND, ...BODY_ERRORS, 'webhook_endpoint_invalid']) },
    },
  }, async function updateEndpoint(request) {
    const accountId = accountOf(request).id;
    await owned(accountId, request.params.id);
    const b = request.body;
    const updated = await store.updateEndpoint(accountId, request.params.id, {
      ...(b.url !== undefined ? { url: checkedUrl(b.url) } : {}),
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.event_types !== undefined ? { eventTypes: b.event_types } : {}),
      ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
      ...(b.rate_limit_per_second !== undefined ? { rateLimitPerSecond: b.rate_limit_per_second } : {}),
    }, clock.now());
    if (!updated) throw gatewayError('webhook_endpoint_not_found', { detail: `No webhook endpoint ${request.params.id} in your account.` });
    return endpointView(updated);
  });

  app.delete<{ Params: { id: string } }>('/v1/webhooks/:id', {
    schema: { tags: ['webhooks'], summary: 'Remove a webhook endpoint with its pending deliveries', params: ID_PARAMS, response: { 204: { type: 'null' }, ...errorResponses(NOT_FOUND) } },
  }, async function removeEndpoint(request, reply) {
    if (!(await store.deleteEndpoint(accountOf(request).id, request.params.id)))
      throw gatewayError('webhook_endpoint_not_found', { detail: `No webhook endpoint ${request.params.id} in your account.` });
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string }; Body: { grace_seconds?: number; secret?: string } | undefined }>('/v1/webhooks/:id/rotate-secret', {
    schema: {
      tags: ['webhooks'], summary: 'Rotate the signing secret; the old one keeps signing during the grace period (both signatures are sent)',
      params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: { grace_seconds: integerField(0, 7 * 24 * 3600), secret: { type: 'string', pattern: SECRET_PATTERN } } },
      response: { 200: ENDPOINT_VIEW, ...errorResponses([...NOT_FOUND, ...BODY_ERRORS]) },
    },
  }, async function rotateSecret(request) {
    const accountId = accountOf(request).id;
    await owned(accountId, request.params.id);
    const secret = request.body?.secret ?? generateWebhookSecret();
    const now = clock.now();
    const rotated = await store.rotateSecret(accountId, request.params.id, secret, now + (request.body?.grace_seconds ?? DEFAULT_GRACE_SECONDS) * 1000, now);
    if (!rotated) throw gatewayError('webhook_endpoint_not_found', { detail: `No webhook endpoint ${request.params.id} in your account.` });
    return endpointView(rotated, secret);
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: number; cursor?: string } }>('/v1/webhooks/:id/attempts', {
    schema: {
      tags: ['webhooks'], summary: 'Delivery attempts to this endpoint, newest first', params: ID_PARAMS,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: pageLimitField(500, 100), cursor: { type: 'string' } } },
      response: { 200: { type: 'object', properties: { data: { type: 'array', items: ATTEMPT_VIEW }, next_cursor: { type: ['string', 'null'] } } }, ...errorResponses(NOT_FOUND) },
    },
  }, async function listAttempts(request) {
    await owned(accountOf(request).id, request.params.id);
    const page = await store.listAttempts(request.params.id, { limit: request.query.limit ?? 100, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
    return { data: page.attempts.map(attemptView), next_cursor: page.nextCursor };
  });

  app.post<{ Params: { id: string }; Body: { since?: string; until?: string; failed_only?: boolean } | undefined }>('/v1/webhooks/:id/replay', {
    schema: {
      tags: ['webhooks'],
      summary: 'Send events again: the failed ones, or every event of a time range; each replay is one attempt and schedules no more',
      params: ID_PARAMS,
      body: {
        type: 'object', additionalProperties: false,
        properties: { since: { type: 'string' }, until: { type: 'string' }, failed_only: { type: 'boolean', description: 'Default true.' } },
      },
      response: { 202: { type: 'object', properties: { queued: { type: 'integer' } } }, ...errorResponses([...NOT_FOUND, ...BODY_ERRORS, 'conflict']) },
    },
  }, async function replayEvents(request, reply) {
    const endpoint = await owned(accountOf(request).id, request.params.id);
    if (!endpoint.enabled) throw gatewayError('conflict', { detail: 'The endpoint is disabled: enable it (PATCH enabled: true) before replaying to it.' });
    const since = parseTime(request.body?.since, 'since');
    const until = parseTime(request.body?.until, 'until');
    const queued = await store.replay(endpoint.id, {
      failedOnly: request.body?.failed_only ?? true, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}),
    }, clock.now());
    if (queued > 0) deps.onReplay?.();
    return reply.code(202).send({ queued });
  });

  app.post<{ Params: { id: string } }>('/v1/webhooks/:id/test', {
    schema: {
      tags: ['webhooks'], summary: 'Send a signed `webhook.test` event now and answer with the attempt', params: ID_PARAMS,
      response: { 200: ATTEMPT_VIEW, ...errorResponses([...NOT_FOUND, 'service_unavailable']) },
    },
  }, async function testEndpoint(request) {
    await owned(accountOf(request).id, request.params.id);
    if (!deps.sender) throw gatewayError('service_unavailable', { detail: 'Webhook delivery is not running in this gateway process.' });
    const attempt = await sendTestWebhook(store, deps.sender, request.params.id, () => clock.now());
    if (!attempt) throw gatewayError('webhook_endpoint_not_found', { detail: `No webhook endpoint ${request.params.id} in your account.` });
    return attemptView(attempt);
  });
}
