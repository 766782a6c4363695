/**
 * GET /v1/messages: a filtered, paged list, newest first. Open to either key kind, like the dashboard's reads: an account
 * key lists its own account's messages, an admin key every account's or the one `account_id` names.
 */
import type { FastifyInstance } from 'fastify';
import { catalogRef, parseTime } from '../../app/checks.js';
import { readRecipient, recipientAddress } from '../../domain/contact-identity.js';
import { isMessageState, MESSAGE_STATES } from '../../domain/message-state.js';
import type { Store } from '../../store/store.js';
import { readScope } from '../plugins/any-key.js';
import { MESSAGE_VIEW_SCHEMA } from '../schemas/message.js';
import { pageLimitField } from '../schemas/numbers.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';
import { STATS_QUERY } from '../schemas/stats.js';
import { messageView } from '../views.js';

interface ListQuery {
  status?: string; to?: string; number_id?: string; client_ref?: string; since?: string; until?: string; cursor?: string; limit?: number; code?: string;
  account_id?: string;
}

/** The identifiers a recipient filter matches: every one the account knows for that contact, or the one given across accounts. */
async function recipientsOf(store: Store, accountId: string | null, to: string): Promise<string[]> {
  const address = recipientAddress(readRecipient(to, 'to'));
  return accountId === null ? [address] : store.identities.identifiersOf(accountId, address);
}

export function messageListRoute(app: FastifyInstance, deps: { readonly store: Store }): void {
  app.get<{ Querystring: ListQuery }>(
    '/v1/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'List messages, newest first (an admin key: every account, or the one `account_id` names)',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: [...MESSAGE_STATES] },
            to: { type: 'string' },
            number_id: { type: 'string' },
            client_ref: { type: 'string', description: 'Only messages sent with this `client_ref`.', examples: ['order-8812'] },
            since: { type: 'string', description: 'ISO 8601, inclusive' },
            until: { type: 'string', description: 'ISO 8601, exclusive' },
            cursor: { type: 'string', description: '`next_cursor` of the previous page' },
            limit: pageLimitField(500, 50),
            code: { type: 'string', maxLength: 100, description: 'Only messages whose error is this catalog entry, as `namespace/code` (e.g. `meta/131026`)' },
            account_id: STATS_QUERY.properties.account_id,
          },
        },
        response: {
          200: { type: 'object', properties: { data: { type: 'array', items: MESSAGE_VIEW_SCHEMA }, next_cursor: { type: ['string', 'null'] } } },
          ...errorResponses([...AUTH_ERRORS, 'forbidden', 'invalid_request', 'invalid_phone_number']),
        },
      },
    },
    async function listMessages(request) {
      const q = request.query;
      const accountId = readScope(request, q.account_id);
      const since = parseTime(q.since, 'since');
      const until = parseTime(q.until, 'until');
      const page = await deps.store.listMessages(accountId, {
        ...(q.status && isMessageState(q.status) ? { status: q.status } : {}),
        ...(q.to ? { toAny: await recipientsOf(deps.store, accountId, q.to) } : {}),
        ...(q.number_id ? { numberId: q.number_id } : {}),
        ...(q.client_ref ? { clientRef: q.client_ref } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.code ? { error: catalogRef(q.code, 'code') } : {}),
        limit: q.limit ?? 50,
      });
      return { data: page.messages.map(messageView), next_cursor: page.nextCursor };
    },
  );
}
