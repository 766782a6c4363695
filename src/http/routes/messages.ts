/** The native sending API: POST /v1/messages (202 once durable), GET one message; the list is in message-list.ts. */
import { pricingView } from '../../domain/meta-health-events.js';
import type { FastifyInstance } from 'fastify';
import { errorAnswer } from '../plugins/problem.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { fromCompatWamid } from '../compat-ids.js';
import { accountOf } from '../plugins/auth.js';
import { ACCEPTED_SCHEMA, MESSAGE_VIEW_SCHEMA, SEND_MESSAGE_BODY } from '../schemas/message.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { acceptedId, acceptPrepared, prepareSend, type SendDeps } from '../../app/accept.js';
import { messageView } from '../views.js';
import { cancelRoutes } from './cancel.js';

export const SEND_ERRORS = [
  ...AUTH_ERRORS, ...BODY_ERRORS,
  'invalid_phone_number', 'text_too_long', 'media_mime_mismatch', 'invalid_media_link', 'invalid_coordinates', 'media_not_found',
  'phone_number_not_authorized', 'could_not_route', 'phone_number_not_registered', 'insufficient_credit', 'recipient_opted_out',
  'outside_service_window', 'template_not_approved', 'idempotency_in_progress', 'idempotency_key_reused',
  'account_disconnected', 'webhook_backlog_full', 'gateway_overloaded', 'spam_control_threshold_exceeded', 'messaging_limit_reached', ['meta', 131021],
  'invalid_user_id', ['meta', 130403], ['meta', 131050],
  'send_at_out_of_range', 'validity_out_of_range', 'metadata_too_large',
  'invalid_sender', 'invalid_alphanumeric_sender', 'route_not_allowed', 'sms_too_many_segments',
] as const;
export const TEMPLATE_ERRORS = [['meta', 132001], ['meta', 132000], ['meta', 132005], ['meta', 132012], ['meta', 132015], ['meta', 132016], ['meta', 132018]] as const;

const IDEMPOTENCY_HEADER_SCHEMA = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', description: 'Repeat a send safely for 24 h (IETF Idempotency-Key).' } },
} as const;

export function messageRoutes(app: FastifyInstance, deps: SendDeps): void {
  app.post<{ Body: Record<string, unknown> }>(
    '/v1/messages',
    {
      config: { idempotent: true, sends: () => 1 },
      schema: {
        tags: ['messages'],
        summary: 'Send a message',
        description: 'Validates, runs preflight and stores the message with its outbox job; answers 202 once the commit is on disk.',
        headers: IDEMPOTENCY_HEADER_SCHEMA,
        body: SEND_MESSAGE_BODY,
        response: { 202: ACCEPTED_SCHEMA, ...errorResponses([...SEND_ERRORS, ...TEMPLATE_ERRORS]) },
      },
    },
    async function sendMessage(request, reply) {
      const account = accountOf(request);
      const prepared = await prepareSend(deps, account, request.body);
      const claim = request.idempotency;
      const [result] = await acceptPrepared(deps, account, [prepared], claim ? {
        ...claim,
        respond: ([r]) =>
          r?.kind === 'refused'
            ? errorAnswer(r.error, request.id, 'problem')
            : { statusCode: 202, body: { id: acceptedId(r), status: 'accepted' } },
      } : undefined);
      return reply.code(202).send({ id: acceptedId(result), status: 'accepted' });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/messages/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'Read one message: status, timestamps, wamid and error',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: MESSAGE_VIEW_SCHEMA, ...errorResponses([...AUTH_ERRORS, 'message_not_found']) },
      },
    },
    async function readMessage(request) {
      const message = await deps.store.getMessage(accountOf(request).id, fromCompatWamid(request.params.id));
      // Another account's id answers exactly like an unknown one: existence is never confirmed.
      if (!message) throw gatewayError('message_not_found', { detail: `No message ${request.params.id} in your account.` });
      const pricing = await deps.store.health.messagePricing(message.accountId, message.id);
      const view = messageView(message);
      // Both attempts in one read: the failover SMS's own status beside the WhatsApp message's.
      const smsId = message.failover?.smsMessageId;
      const sms = smsId ? await deps.store.getMessage(message.accountId, smsId) : undefined;
      return { ...view, ...(view.failover ? { failover: { ...view.failover, sms_status: sms?.status ?? null } } : {}), pricing: pricing ? pricingView(pricing) : null };
    },
  );

  cancelRoutes(app, deps);
}
