/**
 * Taking messages back before they leave: DELETE /v1/messages/{id}, and POST /v1/messages/cancel for every message
 * sent with a `client_ref`. The store cancels only a message whose job no call is marked for (sql-cancel.ts).
 */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { SendDeps } from '../../app/accept.js';
import { fromCompatWamid } from '../compat-ids.js';
import { accountOf } from '../plugins/auth.js';
import { MESSAGE_VIEW_SCHEMA } from '../schemas/message.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { messageView } from '../views.js';

const CANCEL_BY_REF_BODY = {
  type: 'object',
  required: ['client_ref'],
  additionalProperties: false,
  properties: { client_ref: { type: 'string', minLength: 1, description: 'Cancels every message of your account sent with this `client_ref`.', examples: ['campaign-2030-01'] } },
} as const;

const CANCEL_BY_REF_RESULT = {
  type: 'object',
  properties: {
    canceled: { type: 'array', items: { type: 'string' }, description: 'Ids of the messages canceled now.', examples: [['msg_01J…']] },
    not_cancelable: { type: 'array', items: { type: 'string' }, description: 'Ids of those already handed to WhatsApp (or finished).', examples: [[]] },
  },
} as const;

export function cancelRoutes(app: FastifyInstance, deps: SendDeps): void {
  app.delete<{ Params: { id: string } }>(
    '/v1/messages/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'Cancel a message that has not left yet',
        description: 'A scheduled or queued message is canceled and its credit reservation refunded (`message.canceled` event). Canceling a canceled message answers it again.',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: MESSAGE_VIEW_SCHEMA, ...errorResponses([...AUTH_ERRORS, 'message_not_found', 'message_not_cancelable']) },
      },
    },
    async function cancelMessage(request) {
      const account = accountOf(request);
      const id = fromCompatWamid(request.params.id);
      const outcome = await deps.store.cancelMessage(account.id, id, deps.clock.now());
      if (outcome.kind === 'not_found') throw gatewayError('message_not_found', { detail: `No message ${request.params.id} in your account.` });
      if (outcome.kind === 'not_cancelable')
        throw gatewayError('message_not_cancelable', { detail: `Message ${request.params.id} is ${outcome.status === 'queued' ? 'being handed to WhatsApp' : outcome.status}.` });
      const message = await deps.store.getMessage(account.id, id);
      if (!message) throw gatewayError('message_not_found', { detail: `No message ${request.params.id} in your account.` });
      return messageView(message);
    },
  );

  app.post<{ Body: { client_ref: string } }>(
    '/v1/messages/cancel',
    {
      schema: {
        tags: ['messages'],
        summary: 'Cancel every message sent with a client_ref',
        description: 'Cancels those that have not left yet; lists the ones already handed to WhatsApp.',
        body: CANCEL_BY_REF_BODY,
        response: { 200: CANCEL_BY_REF_RESULT, ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS]) },
      },
    },
    async function cancelByClientRef(request) {
      const result = await deps.store.cancelByClientRef(accountOf(request).id, request.body.client_ref, deps.clock.now());
      return { canceled: result.canceled, not_cancelable: result.notCancelable };
    },
  );
}
