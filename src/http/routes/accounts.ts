/** Admin API for accounts (tenants): create, list, read, update (limits, credit, allow-list, default number), disable. */
import type { FastifyInstance } from 'fastify';
import * as accounts from '../../app/admin-accounts.js';
import { ACCOUNT_STATES } from '../../domain/account.js';
import { BOUNDS } from '../../domain/bounds.js';
import { PRIORITIES } from '../../domain/delivery.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { boundField } from '../schemas/numbers.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { accountView } from '../views.js';

export const ACCOUNT_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, state: { type: 'string', enum: ['active', 'disabled', 'expired'] },
    disabled: { type: 'boolean' }, expires_at: { type: ['string', 'null'] }, ip_allow_list: { type: 'array', items: { type: 'string' } },
    rate_limit_per_second: { type: ['integer', 'null'] }, credit: { type: ['integer', 'null'] }, default_number_id: { type: ['string', 'null'] },
    created_at: { type: 'string' }, updated_at: { type: 'string' },
    default_priority: { type: 'string', enum: [...PRIORITIES] }, default_validity_seconds: { type: ['integer', 'null'] },
  },
} as const;

const ACCOUNT_FIELDS = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  state: { type: 'string', enum: [...ACCOUNT_STATES] },
  expires_at: { type: ['string', 'null'], description: 'ISO 8601; from then on the account answers account_expired' },
  ip_allow_list: { type: 'array', items: { type: 'string' }, description: 'Addresses or CIDR blocks; empty = any address' },
  rate_limit_per_second: boundField(BOUNDS.rateLimitPerSecond, { nullable: true, description: 'Requests per second; null = no limit' }),
  credit: boundField(BOUNDS.credit, { nullable: true, description: 'Prepaid messages; null = not on prepaid credit' }),
  default_number_id: { type: ['string', 'null'], description: 'A number assigned to this account' },
  default_priority: { type: 'string', description: `Lane of sends that name none: ${PRIORITIES.join(', ')}`, examples: ['normal'] },
  default_validity_seconds: boundField(BOUNDS.defaultValiditySeconds, { nullable: true, description: 'Validity of sends that give none; null = no limit' }),
} as const;

interface AccountBody {
  name?: string; state?: 'active' | 'disabled'; expires_at?: string | null; ip_allow_list?: string[];
  rate_limit_per_second?: number | null; credit?: number | null; default_number_id?: string | null;
  default_priority?: string; default_validity_seconds?: number | null;
}

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const ADMIN_ERRORS = [...AUTH_ERRORS, ...BODY_ERRORS, 'not_found'] as const;

/** The body in the use case's terms; the use case checks it (the CLI sends the same). */
function toChanges(body: AccountBody): accounts.AccountChanges {
  return {
    name: body.name, state: body.state, expiresAt: body.expires_at, ipAllowList: body.ip_allow_list, rateLimitPerSecond: body.rate_limit_per_second,
    credit: body.credit, defaultNumber: body.default_number_id,
    defaultPriority: body.default_priority, defaultValiditySeconds: body.default_validity_seconds,
  };
}

export function adminAccountRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  const { store, clock } = deps;

  app.post<{ Body: AccountBody }>('/v1/admin/accounts', {
    schema: {
      tags: ['admin'], summary: 'Create an account',
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { ...ACCOUNT_FIELDS, default_number_id: { type: 'null' } } },
      response: { 201: ACCOUNT_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function createAccount(request, reply) {
    const account = await accounts.createAccount(store, { ...toChanges(request.body), name: request.body.name ?? '' }, clock.now());
    return reply.code(201).send(accountView(account, clock.now()));
  });

  app.get('/v1/admin/accounts', {
    schema: { tags: ['admin'], summary: 'List accounts', response: { 200: { type: 'object', properties: { data: { type: 'array', items: ACCOUNT_VIEW } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listAccounts() {
    const now = clock.now();
    return { data: (await accounts.listAccounts(store)).map((a) => accountView(a, now)) };
  });

  app.get<{ Params: { id: string } }>('/v1/admin/accounts/:id', {
    schema: { tags: ['admin'], summary: 'Read an account', params: ID_PARAMS, response: { 200: ACCOUNT_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
  }, async function readAccount(request) {
    return accountView(await accounts.readAccount(store, request.params.id), clock.now());
  });

  app.patch<{ Params: { id: string }; Body: AccountBody }>('/v1/admin/accounts/:id', {
    schema: {
      tags: ['admin'], summary: 'Update an account', params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: ACCOUNT_FIELDS },
      response: { 200: ACCOUNT_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function updateAccount(request) {
    return accountView(await accounts.updateAccount(store, request.params.id, toChanges(request.body), clock.now()), clock.now());
  });

  for (const [action, state] of [['disable', 'disabled'], ['enable', 'active']] as const) {
    app.post<{ Params: { id: string } }>(`/v1/admin/accounts/:id/${action}`, {
      schema: { tags: ['admin'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} an account`, params: ID_PARAMS, response: { 200: ACCOUNT_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
    }, async function setAccountState(request) {
      return accountView(await accounts.setAccountState(store, request.params.id, state, clock.now()), clock.now());
    });
  }
}
