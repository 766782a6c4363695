/** Admin API for API keys: create (the secret is shown once), list, revoke. Admin keys have no account. */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { KEY_KINDS, type KeyKind } from '../../domain/api-key.js';
import { issueKey } from '../../store/api-keys.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { keyView } from '../views.js';

export const KEY_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, kind: { type: 'string', enum: [...KEY_KINDS] }, account_id: { type: ['string', 'null'] }, name: { type: 'string' },
    prefix: { type: 'string', description: 'The first characters of the secret' }, created_at: { type: 'string' }, revoked_at: { type: ['string', 'null'] },
  },
} as const;

export function adminKeyRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  const { store, clock } = deps;

  app.post<{ Body: { kind?: KeyKind; account_id?: string; name?: string } }>('/v1/admin/keys', {
    schema: {
      tags: ['admin'], summary: 'Create a key; `key` is the secret and is never shown again',
      description: 'Give `account_id` for an account key (the default kind when an account is named), or `kind: admin` for an admin key.',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          kind: { type: 'string', enum: [...KEY_KINDS] },
          // Fastify coerces null to "", so an empty id (or null) is refused here rather than read as "no account".
          account_id: { type: 'string', minLength: 1, description: 'Absent for an admin key; null is refused, not read as "no account"' },
          name: { type: 'string', maxLength: 200 },
        },
      },
      response: {
        201: { type: 'object', properties: { ...KEY_VIEW.properties, key: { type: 'string' } } },
        ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS, 'not_found']),
      },
    },
  }, async function createKey(request, reply) {
    const { account_id: accountId, name } = request.body;
    const kind = request.body.kind ?? (accountId ? 'account' : 'admin');
    if (kind === 'account' && !accountId)
      throw gatewayError('missing_required_field', { detail: 'An account key needs `account_id`.', field: 'account_id' });
    if (kind === 'admin' && accountId) throw gatewayError('invalid_request', { detail: 'Admin keys belong to no account.', field: 'account_id' });
    if (accountId && !(await store.getAccount(accountId))) throw gatewayError('not_found', { detail: `No account ${accountId}.`, field: 'account_id' });
    const { record, secret } = await issueKey(store, { kind, accountId: accountId ?? null, name: name ?? '' }, clock.now());
    return reply.code(201).send({ ...keyView(record), key: secret });
  });

  app.get<{ Querystring: { account_id?: string; kind?: KeyKind } }>('/v1/admin/keys', {
    schema: {
      tags: ['admin'], summary: 'List keys (never their secrets)',
      querystring: { type: 'object', properties: { account_id: { type: 'string' }, kind: { type: 'string', enum: [...KEY_KINDS] } } },
      response: { 200: { type: 'object', properties: { data: { type: 'array', items: KEY_VIEW } } }, ...errorResponses(AUTH_ERRORS) },
    },
  }, async function listKeys(request) {
    const { account_id: accountId, kind } = request.query;
    return { data: (await store.listKeys({ ...(accountId ? { accountId } : {}), ...(kind ? { kind } : {}) })).map(keyView) };
  });

  app.delete<{ Params: { id: string } }>('/v1/admin/keys/:id', {
    schema: {
      tags: ['admin'], summary: 'Revoke a key (for good)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      response: { 200: KEY_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) },
    },
  }, async function revokeKey(request) {
    const key = await store.revokeKey(request.params.id, clock.now());
    if (!key) throw gatewayError('not_found', { detail: `No key ${request.params.id}.` });
    return keyView(key);
  });
}
