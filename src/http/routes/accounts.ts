/** Admin API for accounts (tenants): create, list, read, update (limits, credit, allow-list, default number), disable. */
import { createAccountWithBalance, updateAccountWithBalance } from '../../store/account-changes.js';
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ACCOUNT_STATES } from '../../domain/account.js';
import { isValidAllowEntry } from '../../domain/ip-allow-list.js';
import type { AccountPatch, Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { integerField, MAX_CREDIT, MAX_REQUESTS_PER_SECOND } from '../schemas/numbers.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { accountView } from '../views.js';

export const ACCOUNT_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, state: { type: 'string', enum: ['active', 'disabled', 'expired'] },
    disabled: { type: 'boolean' }, expires_at: { type: ['string', 'null'] }, ip_allow_list: { type: 'array', items: { type: 'string' } },
    rate_limit_per_second: { type: ['integer', 'null'] }, credit: { type: ['integer', 'null'] }, default_number_id: { type: ['string', 'null'] },
    created_at: { type: 'string' }, updated_at: { type: 'string' },
  },
} as const;

const ACCOUNT_FIELDS = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  state: { type: 'string', enum: [...ACCOUNT_STATES] },
  expires_at: { type: ['string', 'null'], description: 'ISO 8601; from then on the account answers account_expired' },
  ip_allow_list: { type: 'array', items: { type: 'string' }, description: 'Addresses or CIDR blocks; empty = any address' },
  rate_limit_per_second: integerField(1, MAX_REQUESTS_PER_SECOND, { nullable: true, description: 'Requests per second; null = no limit' }),
  credit: integerField(0, MAX_CREDIT, { nullable: true, description: 'Prepaid messages; null = not on prepaid credit' }),
  default_number_id: { type: ['string', 'null'], description: 'A number assigned to this account' },
} as const;

interface AccountBody {
  name?: string; state?: 'active' | 'disabled'; expires_at?: string | null; ip_allow_list?: string[];
  rate_limit_per_second?: number | null; credit?: number | null; default_number_id?: string | null;
}

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const ADMIN_ERRORS = [...AUTH_ERRORS, ...BODY_ERRORS, 'not_found'] as const;

/** Converts and checks the body; `accountId` is known for updates, so a default number can be checked against it. */
async function toPatch(store: Store, body: AccountBody, accountId: string | undefined): Promise<AccountPatch> {
  let expiresAt: number | null | undefined;
  if (body.expires_at !== undefined && body.expires_at !== null) {
    expiresAt = Date.parse(body.expires_at);
    if (Number.isNaN(expiresAt)) throw gatewayError('invalid_request', { detail: '`expires_at` must be an ISO 8601 time.', field: 'expires_at' });
  } else expiresAt = body.expires_at;
  const badEntry = body.ip_allow_list?.find((e) => !isValidAllowEntry(e));
  if (badEntry !== undefined)
    throw gatewayError('invalid_request', { detail: `"${badEntry}" is not an IP address or CIDR block.`, field: 'ip_allow_list' });
  if (body.default_number_id) {
    const number = await store.findNumber(body.default_number_id);
    if (!number || accountId === undefined || number.accountId !== accountId)
      throw gatewayError('invalid_request', { detail: 'The default number must be assigned to this account first.', field: 'default_number_id' });
    body = { ...body, default_number_id: number.id };
  }
  const patch: Record<string, unknown> = {
    name: body.name, state: body.state, expiresAt, ipAllowList: body.ip_allow_list, rateLimitPerSecond: body.rate_limit_per_second,
    credit: body.credit, defaultNumberId: body.default_number_id,
  };
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as AccountPatch;
}

export function adminAccountRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  const { store, clock } = deps;
  const load = async (id: string) => {
    const account = await store.getAccount(id);
    if (!account) throw gatewayError('not_found', { detail: `No account ${id}.` });
    return account;
  };

  app.post<{ Body: AccountBody }>('/v1/admin/accounts', {
    schema: {
      tags: ['admin'], summary: 'Create an account',
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { ...ACCOUNT_FIELDS, default_number_id: { type: 'null' } } },
      response: { 201: ACCOUNT_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function createAccount(request, reply) {
    const patch = await toPatch(store, request.body, undefined);
    const account = await createAccountWithBalance(store, { ...patch, name: request.body.name ?? '' }, clock.now());
    return reply.code(201).send(accountView(account, clock.now()));
  });

  app.get('/v1/admin/accounts', {
    schema: { tags: ['admin'], summary: 'List accounts', response: { 200: { type: 'object', properties: { data: { type: 'array', items: ACCOUNT_VIEW } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listAccounts() {
    const now = clock.now();
    return { data: (await store.listAccounts()).map((a) => accountView(a, now)) };
  });

  app.get<{ Params: { id: string } }>('/v1/admin/accounts/:id', {
    schema: { tags: ['admin'], summary: 'Read an account', params: ID_PARAMS, response: { 200: ACCOUNT_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
  }, async function readAccount(request) {
    return accountView(await load(request.params.id), clock.now());
  });

  app.patch<{ Params: { id: string }; Body: AccountBody }>('/v1/admin/accounts/:id', {
    schema: {
      tags: ['admin'], summary: 'Update an account', params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: ACCOUNT_FIELDS },
      response: { 200: ACCOUNT_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function updateAccount(request) {
    await load(request.params.id);
    const patch = await toPatch(store, request.body, request.params.id);
    return accountView((await updateAccountWithBalance(store, request.params.id, patch, clock.now())) ?? (await load(request.params.id)), clock.now());
  });

  for (const [action, state] of [['disable', 'disabled'], ['enable', 'active']] as const) {
    app.post<{ Params: { id: string } }>(`/v1/admin/accounts/:id/${action}`, {
      schema: { tags: ['admin'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} an account`, params: ID_PARAMS, response: { 200: ACCOUNT_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
    }, async function setAccountState(request) {
      await load(request.params.id);
      return accountView((await store.updateAccount(request.params.id, { state }, clock.now()))!, clock.now());
    });
  }
}
