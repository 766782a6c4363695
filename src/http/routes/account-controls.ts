/** Admin API for account controls: prepaid expiry, WhatsApp API switch, quotas, spam threshold, messaging tier, blocked paths, prices, credit. */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { MESSAGING_TIERS, type AccountControls } from '../../domain/account.js';
import { checkTopUp, ledgerDrift, type LedgerEntry } from '../../domain/credit/ledger.js';
import { PRICE_CATEGORIES, type PriceRule } from '../../domain/credit/pricing.js';
import type { ControlsPatch } from '../../store/controls-store.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { integerField, MAX_COUNT, MAX_CREDIT, MAX_INTERVAL_SECONDS, pageLimitField } from '../schemas/numbers.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const ERRORS = [...AUTH_ERRORS, ...BODY_ERRORS, 'not_found'] as const;

const CONTROL_FIELDS = {
  prepaid_expires_at: { type: ['string', 'null'], description: 'ISO 8601; from then on prepaid credit cannot pay (prepaid_expired)' },
  whatsapp_api_disabled: { type: 'boolean', description: 'true: every send answers whatsapp_api_disabled' },
  spam_threshold: integerField(1, MAX_COUNT, { nullable: true, description: 'Most recipients of the same text per UTC day' }),
  messaging_tier: { type: ['integer', 'null'], enum: [...MESSAGING_TIERS, null], description: 'Unique recipients of templates per rolling 24 h; null = unlimited' },
  requests_per_minute: integerField(1, MAX_COUNT, { nullable: true }),
  request_interval_seconds: integerField(1, MAX_INTERVAL_SECONDS, { nullable: true, description: '"1 request every N seconds"' }),
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
  properties: { category: { type: 'string', enum: [...PRICE_CATEGORIES] }, country: { type: 'string', pattern: '^([A-Z]{2}|\\*)$' }, price: integerField(0, MAX_CREDIT) },
} as const;

const ENTRY_VIEW = { type: 'object', additionalProperties: true } as const;

interface ControlsBody {
  prepaid_expires_at?: string | null; whatsapp_api_disabled?: boolean; spam_threshold?: number | null; messaging_tier?: number | null;
  requests_per_minute?: number | null; request_interval_seconds?: number | null; blocked_paths?: string[];
}

function toPatch(body: ControlsBody): ControlsPatch {
  let prepaidExpiresAt: number | null | undefined = body.prepaid_expires_at === null ? null : undefined;
  if (typeof body.prepaid_expires_at === 'string') {
    prepaidExpiresAt = Date.parse(body.prepaid_expires_at);
    if (Number.isNaN(prepaidExpiresAt)) throw gatewayError('invalid_request', { detail: '`prepaid_expires_at` must be an ISO 8601 time.', field: 'prepaid_expires_at' });
  }
  const patch: Record<string, unknown> = {
    prepaidExpiresAt, whatsappApiDisabled: body.whatsapp_api_disabled, spamThreshold: body.spam_threshold, messagingTier: body.messaging_tier,
    requestsPerMinute: body.requests_per_minute, blockedPaths: body.blocked_paths,
    requestIntervalMs: body.request_interval_seconds === undefined ? undefined : body.request_interval_seconds === null ? null : body.request_interval_seconds * 1000,
  };
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as ControlsPatch;
}

function controlsView(c: AccountControls, credit: number | null, prices: readonly PriceRule[]) {
  return {
    prepaid_expires_at: iso(c.prepaidExpiresAt), whatsapp_api_disabled: c.whatsappApiDisabled, spam_threshold: c.spamThreshold,
    messaging_tier: c.messagingTier, requests_per_minute: c.requestsPerMinute,
    request_interval_seconds: c.requestIntervalMs === null ? null : Math.round(c.requestIntervalMs / 1000), blocked_paths: c.blockedPaths,
    credit, prices,
  };
}

const entryView = (e: LedgerEntry) => ({ id: e.id, kind: e.kind, amount: e.amount, message_id: e.messageId, note: e.note, created_at: iso(e.createdAt) });

export function accountControlRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  const { store, clock } = deps;
  const load = async (id: string) => {
    const account = await store.getAccount(id);
    if (!account) throw gatewayError('not_found', { detail: `No account ${id}.` });
    return account;
  };
  const view = async (id: string) => {
    const account = await load(id);
    return controlsView(await store.controls.getControls(id), account.credit, await store.controls.listPrices(id));
  };

  app.get<{ Params: { id: string } }>('/v1/admin/accounts/:id/controls', {
    schema: { tags: ['admin'], summary: 'Read an account\u2019s controls, credit and prices', params: ID_PARAMS, response: { 200: CONTROLS_VIEW, ...errorResponses(ERRORS) } },
  }, async function readControls(request) {
    return view(request.params.id);
  });

  app.patch<{ Params: { id: string }; Body: ControlsBody }>('/v1/admin/accounts/:id/controls', {
    schema: {
      tags: ['admin'], summary: 'Change an account\u2019s controls', params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: CONTROL_FIELDS }, response: { 200: CONTROLS_VIEW, ...errorResponses(ERRORS) },
    },
  }, async function updateControls(request) {
    await load(request.params.id);
    await store.controls.setControls(request.params.id, toPatch(request.body), clock.now());
    return view(request.params.id);
  });

  app.put<{ Params: { id: string }; Body: { prices: PriceRule[] } }>('/v1/admin/accounts/:id/prices', {
    schema: {
      tags: ['admin'], summary: 'Replace an account\u2019s prices per category and country (`*` = any country; default 1)', params: ID_PARAMS,
      body: { type: 'object', required: ['prices'], additionalProperties: false, properties: { prices: { type: 'array', items: PRICE } } },
      response: { 200: CONTROLS_VIEW, ...errorResponses(ERRORS) },
    },
  }, async function setPrices(request) {
    await load(request.params.id);
    await store.controls.setPrices(request.params.id, request.body.prices.map((p) => ({ category: p.category, country: p.country ?? '*', price: p.price })));
    return view(request.params.id);
  });

  app.post<{ Params: { id: string }; Body: { amount: number; note?: string; kind?: 'topup' | 'adjust' } }>('/v1/admin/accounts/:id/credit', {
    schema: {
      tags: ['admin'], summary: 'Top up (or correct) prepaid credit; the movement is written to the ledger', params: ID_PARAMS,
      body: {
        type: 'object', required: ['amount'], additionalProperties: false,
        properties: { amount: integerField(-MAX_CREDIT, MAX_CREDIT), note: { type: 'string', maxLength: 500 }, kind: { type: 'string', enum: ['topup', 'adjust'] } },
      },
      response: { 201: { type: 'object', properties: { balance: { type: 'integer' }, entry: ENTRY_VIEW } }, ...errorResponses(ERRORS) },
    },
  }, async function topUpCredit(request, reply) {
    const account = await load(request.params.id);
    const decision = checkTopUp(await store.credit.balance(account.id), request.body.amount);
    if (decision.kind === 'refuse') throw decision.error;
    const kind = request.body.kind ?? (request.body.amount > 0 ? 'topup' : 'adjust');
    const { balance, entry } = await store.credit.topUp(account.id, request.body.amount, kind, request.body.note ?? null, clock.now());
    return reply.code(201).send({ balance, entry: entryView(entry) });
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
    const id = request.params.id;
    await load(id);
    const sum = await store.credit.ledgerSum(id);
    // Read fresh, not through the account cache, which may be a second old.
    const balance = await store.credit.balance(id);
    return {
      balance, ledger_sum: sum, drift: ledgerDrift(balance ?? 0, [{ amount: sum }]),
      data: (await store.credit.listLedger(id, request.query.limit ?? 100)).map(entryView),
    };
  });
}
