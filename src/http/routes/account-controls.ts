/** Admin API for account controls: prepaid expiry, WhatsApp API switch, quotas, spam threshold, messaging tier, blocked paths, prices, credit. */
import type { FastifyInstance } from 'fastify';
import * as controls from '../../app/admin-controls.js';
import * as credit from '../../app/admin-credit.js';
import { MESSAGING_TIERS } from '../../domain/account.js';
import { BOUNDS } from '../../domain/bounds.js';
import { PRICE_CATEGORIES } from '../../domain/credit/pricing.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { boundField, pageLimitField } from '../schemas/numbers.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { controlsView, ledgerEntryView, ledgerView } from '../views.js';

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const ERRORS = [...AUTH_ERRORS, ...BODY_ERRORS, 'not_found'] as const;

const CONTROL_FIELDS = {
  prepaid_expires_at: { type: ['string', 'null'], description: 'ISO 8601; from then on prepaid credit cannot pay (prepaid_expired)' },
  whatsapp_api_disabled: { type: 'boolean', description: 'true: every send answers whatsapp_api_disabled' },
  spam_threshold: boundField(BOUNDS.spamThreshold, { nullable: true, description: 'Most recipients of the same text per UTC day' }),
  messaging_tier: { type: ['integer', 'null'], enum: [...MESSAGING_TIERS, null], description: 'Unique recipients of templates per rolling 24 h; null = unlimited' },
  requests_per_minute: boundField(BOUNDS.requestsPerMinute, { nullable: true }),
  request_interval_seconds: boundField(BOUNDS.requestIntervalSeconds, { nullable: true, description: '"1 request every N seconds"' }),
  blocked_paths: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'e.g. `/v1/media*`, `POST /v1/templates`' },
} as const;

const CONTROLS_VIEW = {
  type: 'object',
  properties: {
    ...CONTROL_FIELDS,
    prepaid_expires_at: { type: ['string', 'null'] },
    messaging_tier: { type: ['integer', 'null'] },
    credit: { type: ['integer', 'null'] },
    prices: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

const PRICE = {
  type: 'object', required: ['category', 'price'], additionalProperties: false,
  properties: {
    category: { type: 'string', enum: [...PRICE_CATEGORIES] }, country: { type: 'string', pattern: '^([A-Z]{2}|\\*)$' }, price: boundField(BOUNDS.price),
    effective_from: { type: 'string', format: 'date-time', description: 'From when this price applies (dated tables); absent = always' },
  },
} as const;

const ENTRY_VIEW = { type: 'object', additionalProperties: true } as const;

interface ControlsBody {
  prepaid_expires_at?: string | null; whatsapp_api_disabled?: boolean; spam_threshold?: number | null; messaging_tier?: number | null;
  requests_per_minute?: number | null; request_interval_seconds?: number | null; blocked_paths?: string[];
}

/** The body in the use case's terms; the use case checks it (the CLI sends the same). */
function toChanges(body: ControlsBody): controls.ControlChanges {
  return {
    prepaidExpiresAt: body.prepaid_expires_at, whatsappApiDisabled: body.whatsapp_api_disabled, spamThreshold: body.spam_threshold,
    messagingTier: body.messaging_tier, requestsPerMinute: body.requests_per_minute, requestIntervalSeconds: body.request_interval_seconds,
    blockedPaths: body.blocked_paths,
  };
}

export function accountControlRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  const { store, clock } = deps;

  app.get<{ Params: { id: string } }>('/v1/admin/accounts/:id/controls', {
    schema: { tags: ['admin'], summary: 'Read an account\u2019s controls, credit and prices', params: ID_PARAMS, response: { 200: CONTROLS_VIEW, ...errorResponses(ERRORS) } },
  }, async function readControls(request) {
    return controlsView(await controls.readControls(store, request.params.id));
  });

  app.patch<{ Params: { id: string }; Body: ControlsBody }>('/v1/admin/accounts/:id/controls', {
    schema: {
      tags: ['admin'], summary: 'Change an account\u2019s controls', params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: CONTROL_FIELDS }, response: { 200: CONTROLS_VIEW, ...errorResponses(ERRORS) },
    },
  }, async function updateControls(request) {
    return controlsView(await controls.updateControls(store, request.params.id, toChanges(request.body), clock.now()));
  });

  app.put<{ Params: { id: string }; Body: { prices: controls.PriceRequest[] } }>('/v1/admin/accounts/:id/prices', {
    schema: {
      tags: ['admin'], summary: 'Replace an account\u2019s prices per category and country (`*` = any country; default 1)', params: ID_PARAMS,
      body: { type: 'object', required: ['prices'], additionalProperties: false, properties: { prices: { type: 'array', items: PRICE } } },
      response: { 200: CONTROLS_VIEW, ...errorResponses(ERRORS) },
    },
  }, async function setPrices(request) {
    return controlsView(await controls.setPrices(store, request.params.id, request.body.prices));
  });

  app.post<{ Params: { id: string }; Body: { amount: number; note?: string; kind?: 'topup' | 'adjust' } }>('/v1/admin/accounts/:id/credit', {
    schema: {
      tags: ['admin'], summary: 'Top up (or correct) prepaid credit; the movement is written to the ledger', params: ID_PARAMS,
      body: {
        type: 'object', required: ['amount'], additionalProperties: false,
        properties: { amount: boundField(BOUNDS.creditAmount), note: { type: 'string', maxLength: 500 }, kind: { type: 'string', enum: ['topup', 'adjust'] } },
      },
      response: { 201: { type: 'object', properties: { balance: { type: 'integer' }, entry: ENTRY_VIEW } }, ...errorResponses(ERRORS) },
    },
  }, async function topUpCredit(request, reply) {
    const { balance, entry } = await credit.moveCredit(store, request.params.id, request.body, clock.now());
    return reply.code(201).send({ balance, entry: ledgerEntryView(entry) });
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>('/v1/admin/accounts/:id/ledger', {
    schema: {
      tags: ['admin'], summary: 'The credit ledger: every movement, newest first, with the balance and its drift from the ledger sum', params: ID_PARAMS,
      querystring: { type: 'object', properties: { limit: pageLimitField(10000, 100) } },
      response: {
        200: { type: 'object', properties: { balance: { type: ['integer', 'null'] }, ledger_sum: { type: 'integer' }, drift: { type: 'integer' }, data: { type: 'array', items: ENTRY_VIEW } } },
        ...errorResponses(ERRORS),
      },
    },
  }, async function readLedger(request) {
    return ledgerView(await credit.readLedger(store, request.params.id, request.query.limit ?? 100));
  });
}
