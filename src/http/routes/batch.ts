/** POST /v1/messages/batch: many sends in one durable commit, a recipient limit, duplicate handling and per-item results. */
import type { FastifyInstance } from 'fastify';
import { toProblem } from '../../catalog/problem.js';
import { isSwitchboardError } from '../../catalog/switchboard-error.js';
import { planBatch, DUPLICATE_MODES, type DuplicateMode } from '../../domain/batch.js';
import { isObject } from '../../domain/validation/fields.js';
import { readRecipient, recipientAddress } from '../../domain/contact-identity.js';
import type { AcceptResult } from '../../store/store.js';
import { accountOf } from '../plugins/auth.js';
import { DELIVERY_REQUEST_PROPERTIES, MESSAGE_CONTENT_PROPERTIES } from '../schemas/message.js';
import { errorResponses } from '../schemas/problem.js';
import { acceptPrepared, prepareSend, underField, type PreparedSend, type SendDeps } from '../../app/accept.js';
import { SEND_ERRORS, TEMPLATE_ERRORS } from './messages.js';

interface BatchBody {
  duplicates?: DuplicateMode;
  from?: string;
  messages: Record<string, unknown>[];
}

type ItemResult =
  | { index: number; status: 'accepted'; id: string }
  | { index: number; status: 'rejected'; error: Record<string, unknown> }
  | { index: number; status: 'dropped'; duplicate_of: number };

const ITEM_RESULT = {
  type: 'object',
  properties: {
    index: { type: 'integer' },
    status: { type: 'string', enum: ['accepted', 'rejected', 'dropped'] },
    id: { type: 'string' },
    duplicate_of: { type: 'integer', description: 'For dropped items: the index of the item that sends to the same recipient.' },
    error: { $ref: 'Problem#' },
  },
} as const;

const BATCH_RESPONSE = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    rejected: { type: 'integer' },
    dropped: { type: 'integer' },
    results: { type: 'array', items: ITEM_RESULT },
  },
} as const;

function summarize(results: ItemResult[]) {
  const count = (s: ItemResult['status']) => results.filter((r) => r.status === s).length;
  return { accepted: count('accepted'), rejected: count('rejected'), dropped: count('dropped'), results };
}

export function batchRoutes(app: FastifyInstance, deps: SendDeps & { maxRecipients: number }): void {
  app.post<{ Body: BatchBody }>(
    '/v1/messages/batch',
    {
      config: { idempotent: true, sends: (body) => (body as BatchBody).messages.length },
      schema: {
        tags: ['messages'],
        summary: 'Send many messages',
        description: `Up to the configured maximum of recipients (\`destination_list_too_large\` beyond). A recipient named twice is refused (\`destination_duplicated\`, the default) or dropped, as \`duplicates\` says. Items that fail validation or preflight are rejected one by one; the rest are stored in one durable commit. 202 when at least one item was accepted, else 200.`,
        body: {
          type: 'object',
          required: ['messages'],
          properties: {
            duplicates: { type: 'string', enum: [...DUPLICATE_MODES], default: 'refuse' },
            from: { type: 'string', description: 'Sending number for every item that names none.' },
            messages: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { ...MESSAGE_CONTENT_PROPERTIES, ...DELIVERY_REQUEST_PROPERTIES, from: { type: 'string' } } } },
          },
        },
        response: {
          200: BATCH_RESPONSE,
          202: BATCH_RESPONSE,
          ...errorResponses([...SEND_ERRORS, 'destination_list_too_large', 'destination_duplicated', ...TEMPLATE_ERRORS]),
        },
      },
    },
    async function sendBatch(request, reply) {
      const account = accountOf(request);
      const { messages, from } = request.body;
      const recipients = messages.map((m) => {
        try {
          return isObject(m) && typeof m['to'] === 'string' ? recipientAddress(readRecipient(m['to'], 'to')) : undefined;
        } catch {
          return undefined;
        }
      });
      const plan = planBatch(recipients, request.body.duplicates ?? 'refuse', deps.maxRecipients);
      if (plan.kind === 'refuse') throw plan.error;

      const results: (ItemResult | undefined)[] = [];
      const prepared: { index: number; send: PreparedSend }[] = [];
      await Promise.all(
        messages.map(async (item, index) => {
          const duplicateOf = plan.dropped.get(index);
          if (duplicateOf !== undefined) return void (results[index] = { index, status: 'dropped', duplicate_of: duplicateOf });
          try {
            const itemFrom = isObject(item) && typeof item['from'] === 'string' ? undefined : from;
            prepared.push({ index, send: await prepareSend(deps, account, item, itemFrom === undefined ? {} : { from: itemFrom }) });
          } catch (error) {
            if (!isSwitchboardError(error)) throw error;
            const located = underField(error, `messages[${index}]`);
            results[index] = { index, status: 'rejected', error: toProblem(isSwitchboardError(located) ? located : error, request.id) };
          }
        }),
      );
      prepared.sort((a, b) => a.index - b.index);

      const complete = (accepts: readonly AcceptResult[]) => {
        const all = [...results];
        accepts.forEach((r, i) => {
          const index = prepared[i]!.index;
          all[index] = r.kind === 'accepted' ? { index, status: 'accepted', id: r.id } : { index, status: 'rejected', error: toProblem(r.error, request.id) };
        });
        const body = summarize(all as ItemResult[]);
        return { statusCode: body.accepted > 0 ? 202 : 200, body };
      };
      const claim = request.idempotency;
      if (prepared.length === 0) {
        const response = complete([]);
        if (claim) await deps.store.completeIdempotencyKey(claim, response, deps.clock.now());
        return reply.code(response.statusCode).send(response.body);
      }
      let response: ReturnType<typeof complete> | undefined;
      const accepts = await acceptPrepared(deps, account, prepared.map((p) => p.send), claim ? { ...claim, respond: (r) => (response = complete(r)) } : undefined);
      response ??= complete(accepts);
      return reply.code(response.statusCode).send(response.body);
    },
  );
}
