/** Media uploads (multipart): checked against WhatsApp's types and sizes, stored for the dispatcher, referenced by id. */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { GatewayCode } from '../../catalog/entries/gateway.js';
import { storeUpload, type UploadDeps } from '../media-upload.js';
import { accountOf } from '../plugins/auth.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';

export const UPLOAD_ERRORS: readonly GatewayCode[] = [
  ...AUTH_ERRORS, 'unsupported_content_type', 'payload_too_large', 'media_mime_mismatch', 'missing_required_field', 'phone_number_not_authorized',
  'malformed_multipart', 'upload_concurrency_exceeded', 'media_storage_exceeded',
];

export function mediaRoutes(app: FastifyInstance, deps: UploadDeps): void {
  app.post(
    '/v1/media',
    {
      schema: {
        tags: ['media'],
        summary: 'Upload media to send by id',
        consumes: ['multipart/form-data'],
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'string' }, mime_type: { type: 'string' }, bytes: { type: 'integer' }, sha256: { type: 'string' } },
          },
          ...errorResponses(UPLOAD_ERRORS),
        },
      },
    },
    async function uploadMedia(request, reply) {
      const media = await storeUpload(deps, accountOf(request), request);
      return reply.code(201).send({ id: media.id, mime_type: media.mimeType, bytes: media.bytes, sha256: media.sha256 });
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/media/:id',
    {
      schema: {
        tags: ['media'],
        summary: 'Delete uploaded media, freeing its storage',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } },
        response: { 204: { type: 'null' }, ...errorResponses([...AUTH_ERRORS, 'media_not_found']) },
      },
    },
    async function deleteMedia(request, reply) {
      if (!(await deps.store.deleteMedia(accountOf(request).id, request.params.id)))
        throw gatewayError('media_not_found', { detail: `No upload ${request.params.id} belongs to your account.` });
      return reply.code(204).send();
    },
  );
}
