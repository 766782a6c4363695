/**
 * The Cloud-API-compatible surface: Meta's own paths and bodies, a Switchboard account key as the bearer token, answers
 * and errors in Graph's shapes. Same auth, validation, preflight and storage as /v1/messages.
 */
import type { FastifyInstance } from 'fastify';
import { accountOf } from '../plugins/auth.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { Account } from '../../domain/account.js';
import { MESSAGE_CONTENT_PROPERTIES } from '../schemas/message.js';
import { errorResponses } from '../schemas/problem.js';
import { toCompatWamid } from '../compat-ids.js';
import { storeUpload, type UploadDeps } from '../media-upload.js';
import { UPLOAD_ERRORS } from './media.js';
import { acceptedId, acceptPrepared, prepareSend, type SendDeps } from '../../app/accept.js';
import { errorAnswer } from '../plugins/problem.js';
import { SEND_ERRORS, TEMPLATE_ERRORS } from './messages.js';

const PATH_PARAMS = {
  type: 'object',
  required: ['version', 'phoneNumberId'],
  properties: {
    version: { type: 'string', pattern: '^v[0-9]+\\.[0-9]+$', description: 'Graph API version, e.g. v21.0 (any version is accepted).' },
    phoneNumberId: { type: 'string', description: 'Meta phone_number_id of a number assigned to your account.' },
  },
} as const;

/** Every code the compatible surface can answer, per route (a test checks each one's status against Meta's). */
export const CLOUD_SEND_ERRORS = [...SEND_ERRORS, ...TEMPLATE_ERRORS] as const;
export const CLOUD_UPLOAD_ERRORS = UPLOAD_ERRORS;

const SEND_RESPONSE = {
  type: 'object',
  properties: {
    messaging_product: { type: 'string' },
    contacts: { type: 'array', items: { type: 'object', properties: { input: { type: 'string' }, wa_id: { type: 'string' }, user_id: { type: 'string' } } } },
    success: { type: 'boolean' },
    messages: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, message_status: { type: 'string' } } } },
  },
} as const;

/** Meta's read mark on the same path as sends: `{ status: "read", message_id, typing_indicator? }`. */
export type CloudReadMark = (account: Account, messageId: string, typing: boolean) => Promise<void>;

function isReadMark(body: unknown): boolean {
  return (body as Record<string, unknown>)['status'] === 'read';
}

function readMarkOf(body: Record<string, unknown>): { messageId: string; typing: boolean } | undefined {
  if (!isReadMark(body)) return undefined;
  const messageId = body['message_id'];
  if (typeof messageId !== 'string' || messageId === '')
    throw gatewayError('missing_required_field', { detail: '`message_id` is required to mark a message read.', field: 'message_id' });
  const typing = body['typing_indicator'];
  if (typing !== undefined && (typeof typing !== 'object' || typing === null || (typing as Record<string, unknown>)['type'] !== 'text'))
    throw gatewayError('invalid_request', { detail: '`typing_indicator` must be { "type": "text" }.', field: 'typing_indicator' });
  return { messageId, typing: typing !== undefined };
}

export function cloudRoutes(app: FastifyInstance, deps: SendDeps, markRead?: CloudReadMark): void {
  app.post<{ Params: { version: string; phoneNumberId: string }; Body: Record<string, unknown> }>(
    '/:version/:phoneNumberId/messages',
    {
      // A read mark on the same path sends nothing, so back-pressure lets it through.
      config: { idempotent: true, errorShape: 'graph', sends: (body) => (isReadMark(body) ? 0 : 1) },
      schema: {
        tags: ['cloud-api'],
        summary: 'Send a message with a Cloud API body (Graph-compatible)',
        params: PATH_PARAMS,
        body: {
          type: 'object',
          // Meta requires messaging_product on every send, so the compatible surface does too.
          // `to` (a phone), Meta's `recipient` (a user id) or, for a read mark, `message_id`: validated after.
          required: ['messaging_product'],
          additionalProperties: true,
          properties: { messaging_product: { type: 'string', enum: ['whatsapp'] }, recipient_type: { type: 'string' }, recipient: { type: 'string' }, status: { type: 'string' }, message_id: { type: 'string' }, ...MESSAGE_CONTENT_PROPERTIES },
        },
        response: { 200: SEND_RESPONSE, ...errorResponses(CLOUD_SEND_ERRORS, 'graph') },
      },
    },
    async function sendCloudMessage(request) {
      const account = accountOf(request);
      const read = readMarkOf(request.body);
      if (read) {
        if (!markRead) throw gatewayError('service_unavailable', { detail: 'No upstream is configured for read marks.' });
        await markRead(account, read.messageId, read.typing);
        return { success: true };
      }
      const prepared = await prepareSend(deps, account, request.body, { from: request.params.phoneNumberId });
      const byUserId = prepared.message.payload['recipient'] !== undefined;
      const body = (id: string) => ({
        messaging_product: 'whatsapp',
        contacts: [{ input: String(request.body['to'] ?? request.body['recipient']), ...(byUserId ? { user_id: prepared.message.to } : { wa_id: prepared.message.to }) }],
        messages: [{ id: toCompatWamid(id), ...(prepared.message.type === 'template' ? { message_status: 'accepted' } : {}) }],
      });
      const claim = request.idempotency;
      const [result] = await acceptPrepared(deps, account, [prepared], claim ? {
        ...claim,
        respond: ([r]) => (r?.kind === 'refused' ? errorAnswer(r.error, request.id, 'graph') : { statusCode: 200, body: body(acceptedId(r)) }),
      } : undefined);
      return body(acceptedId(result));
    },
  );

}

/** Graph's media upload; registered in the scope that parses multipart. */
export function cloudMediaRoutes(app: FastifyInstance, deps: UploadDeps): void {
  app.post<{ Params: { version: string; phoneNumberId: string } }>(
    '/:version/:phoneNumberId/media',
    {
      config: { errorShape: 'graph' },
      schema: {
        tags: ['cloud-api'],
        summary: 'Upload media (multipart: file, type, messaging_product), Graph-compatible',
        consumes: ['multipart/form-data'],
        params: PATH_PARAMS,
        response: { 200: { type: 'object', properties: { id: { type: 'string' } } }, ...errorResponses(CLOUD_UPLOAD_ERRORS, 'graph') },
      },
    },
    async function uploadCloudMedia(request) {
      const media = await storeUpload(deps, accountOf(request), request, request.params.phoneNumberId);
      return { id: media.id };
    },
  );
}
