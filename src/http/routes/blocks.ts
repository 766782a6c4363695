/**
 * Blocking users and read marks: `POST|DELETE|GET /v1/numbers/{id}/blocks`, `POST /v1/messages/{inbound id}/read`, and
 * Meta's own `/{phone-number-id}/block_users` on the Cloud-API-compatible surface. Users are phones or user ids.
 */
import type { FastifyInstance } from 'fastify';
import type { ManagementDeps } from '../../app/management-target.js';
import { changeBlocks, listBlocks, markRead, MAX_USERS_PER_BLOCK_CALL, type BlockResult } from '../../app/user-controls.js';
import { toGraphError, toProblem } from '../../catalog/problem.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { accountOf } from '../plugins/auth.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';

interface Deps { readonly store: Store; readonly clock: Clock; readonly management?: ManagementDeps }

const USERS_BODY = {
  type: 'object', required: ['users'], additionalProperties: false,
  properties: { users: { type: 'array', minItems: 1, items: { type: 'string' }, description: `Phones or business-scoped user ids, at most ${MAX_USERS_PER_BLOCK_CALL}.` } },
} as const;
const OPEN_OBJECT = { type: 'object', additionalProperties: true } as const;
const BLOCK_ERRORS = [...AUTH_ERRORS, ...BODY_ERRORS, 'too_many_block_users', 'phone_number_not_authorized', 'could_not_route', 'service_unavailable'] as const;

function blockView(results: readonly BlockResult[]) {
  return {
    done: results.flatMap((r) => (r.kind === 'done' ? [{ input: r.input, user: r.user }] : [])),
    failed: results.flatMap((r) => (r.kind === 'failed' ? [{ input: r.input, error: toProblem(r.error) }] : [])),
  };
}

export function blockRoutes(app: FastifyInstance, deps: Deps): void {
  const management = deps.management;
  const userDeps = { store: deps.store, management };
  for (const method of ['POST', 'DELETE'] as const) {
    app.route<{ Params: { id: string }; Body: { users: string[] } }>({
      method,
      url: '/v1/numbers/:id/blocks',
      schema: {
        tags: ['contacts'],
        summary: method === 'POST' ? 'Block users on a number (only users who wrote in the last 24 hours)' : 'Unblock users on a number',
        body: USERS_BODY,
        response: { 200: { type: 'object', properties: { done: { type: 'array', items: OPEN_OBJECT }, failed: { type: 'array', items: OPEN_OBJECT } } }, ...errorResponses(BLOCK_ERRORS) },
      },
      handler: async function changeNumberBlocks(request) {
        return blockView(await changeBlocks(userDeps, accountOf(request), request.params.id, request.body.users, method === 'POST', deps.clock.now()));
      },
    });
  }
  app.get<{ Params: { id: string } }>('/v1/numbers/:id/blocks', {
    schema: {
      tags: ['contacts'], summary: 'The users a number blocked',
      response: { 200: { type: 'object', properties: { blocks: { type: 'array', items: { type: 'object', properties: { user: { type: 'string' }, blocked_at: { type: 'string' } } } } } }, ...errorResponses(BLOCK_ERRORS) },
    },
  }, async function listNumberBlocks(request) {
    const blocks = await listBlocks(userDeps, accountOf(request), request.params.id);
    return { blocks: blocks.map((b) => ({ user: b.user, blocked_at: new Date(b.blockedAt).toISOString() })) };
  });
  app.post<{ Params: { id: string }; Body: { typing_indicator?: boolean } | undefined }>('/v1/messages/:id/read', {
    schema: {
      tags: ['messages'], summary: 'Mark a customer\u2019s message read, optionally showing a typing indicator',
      body: { type: 'object', additionalProperties: false, properties: { typing_indicator: { type: 'boolean', description: 'Show a typing indicator (up to 25 s, or until you answer).' } } },
      response: { 200: { type: 'object', properties: { success: { type: 'boolean' } } }, ...errorResponses([...AUTH_ERRORS, 'message_not_found', 'service_unavailable']) },
    },
  }, async function markMessageRead(request) {
    await markRead(userDeps, accountOf(request), request.params.id, request.body?.typing_indicator === true);
    return { success: true };
  });
}

/** Graph's `/{phone-number-id}/block_users`, answered in Meta's shapes. */
export function cloudBlockRoutes(app: FastifyInstance, deps: Deps): void {
  const userDeps = { store: deps.store, management: deps.management };
  for (const method of ['POST', 'DELETE'] as const) {
    app.route<{ Params: { version: string; phoneNumberId: string }; Body: { block_users?: { user?: unknown }[] } }>({
      method,
      url: '/:version/:phoneNumberId/block_users',
      config: { errorShape: 'graph' },
      schema: {
        tags: ['cloud-api'], summary: `${method === 'POST' ? 'Block' : 'Unblock'} users (Graph-compatible)`,
        body: { type: 'object', required: ['messaging_product', 'block_users'], additionalProperties: true, properties: { messaging_product: { type: 'string', enum: ['whatsapp'] }, block_users: { type: 'array', minItems: 1, items: { type: 'object', required: ['user'], properties: { user: { type: 'string' } } } } } },
        response: { 200: OPEN_OBJECT, 400: OPEN_OBJECT },
      },
      handler: async function changeGraphBlocks(request, reply) {
        const users = (request.body.block_users ?? []).map((u) => String(u.user));
        const results = await changeBlocks(userDeps, accountOf(request), request.params.phoneNumberId, users, method === 'POST', deps.clock.now());
        const done = results.flatMap((r) => (r.kind === 'done' ? [{ input: r.input, ...(r.user.includes('.') ? { user_id: r.user } : { wa_id: r.user }) }] : []));
        const failed = results.flatMap((r) => (r.kind === 'failed' ? [{ input: r.input, errors: [graphUserError(r, request.id)] }] : []));
        const lists = { [method === 'POST' ? 'added_users' : 'removed_users']: done, ...(failed.length > 0 ? { failed_users: failed } : {}) };
        if (failed.length === 0) return { messaging_product: 'whatsapp', block_users: lists };
        return reply.code(400).send({ messaging_product: 'whatsapp', block_users: lists, error: { message: '(#139100) Failed to block/unblock users', type: 'OAuthException', code: 139100 } });
      },
    });
  }
  app.get<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/block_users', {
    config: { errorShape: 'graph' },
    schema: { tags: ['cloud-api'], summary: 'The blocked users (Graph-compatible)', response: { 200: OPEN_OBJECT } },
  }, async function listGraphBlocks(request) {
    const blocks = await listBlocks(userDeps, accountOf(request), request.params.phoneNumberId);
    return { data: blocks.map((b) => ({ messaging_product: 'whatsapp', ...(b.user.includes('.') ? { user_id: b.user } : { wa_id: b.user }) })) };
  });
}

function graphUserError(r: Extract<BlockResult, { kind: 'failed' }>, traceId: string) {
  const { error } = toGraphError(r.error, traceId);
  return { message: error.message, code: error.code, error_data: { details: error.error_data.details } };
}
