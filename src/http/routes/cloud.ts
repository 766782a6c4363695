/**
 * The Cloud-API-compatible surface: Meta's own paths and bodies, a Switchboard account key as the bearer token, answers
 * and errors in Graph's shapes. Same auth, validation, preflight and storage as /v1/messages.
 */
import type { FastifyInstance } from 'fastify';
import { accountOf } from '../plugins/auth.js';
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
    contacts: { type: 'array', items: { type: 'object', properties: { input: { type: 'string' }, wa_id: { type: 'string' } } } },
    messages: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, message_status: { type: 'string' } } } },
  },
} as const;

export function cloudRoutes(app: FastifyInstance, deps: SendDeps): void {
  app.post<{ Params: { version: string; phoneNumberId: string }; Body: Record<string, unknown> }>(
    '/:version/:phoneNumberId/messages',
    {
      config: { idempotent: true, errorShape: 'graph' },
      schema: {
        tags: ['cloud-api'],
        summary: 'Send a message with a Cloud API body (Graph-compatible)',
        params: PATH_PARAMS,
        body: {
          type: 'object',
          // Meta requires messaging_product on every send, so the compatible surface does too.
          required: ['messaging_product', 'to'],
          additionalProperties: true,
          properties: { messaging_product: { type: 'string', enum: ['whatsapp'] }, recipient_type: { type: 'string' }, ...MESSAGE_CONTENT_PROPERTIES },
        },
        response: { 200: SEND_RESPONSE, ...errorResponses(CLOUD_SEND_ERRORS, 'graph') },
      },
    },
    async function sendCloudMessage(request) {
      const account = accountOf(request);
      const prepared = await prepareSend(deps, account, request.body, { from: request.params.phoneNumberId });
      const body = (id: string) => ({
        messaging_product: 'whatsapp',
        contacts: [{ input: String(request.body['to']), wa_id: prepared.message.to }],
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
