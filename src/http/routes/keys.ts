/** Admin API for API keys: create (the secret is shown once), list, revoke. Admin keys have no account. */
import type { FastifyInstance } from 'fastify';
import * as keys from '../../app/admin-keys.js';
import { KEY_KINDS, type KeyKind } from '../../domain/api-key.js';
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
    const { kind, account_id: accountId, name } = request.body;
    const { record, secret } = await keys.createKey(store, { kind, accountId, name }, clock.now());
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
    return { data: (await keys.listKeys(store, { accountId, kind })).map(keyView) };
  });

  app.delete<{ Params: { id: string } }>('/v1/admin/keys/:id', {
    schema: {
      tags: ['admin'], summary: 'Revoke a key (for good)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      response: { 200: KEY_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) },
    },
  }, async function revokeKey(request) {
    return keyView(await keys.revokeKey(store, request.params.id, clock.now()));
  });
}
