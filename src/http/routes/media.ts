/** Media uploads (multipart): checked against WhatsApp's types and sizes, stored for the dispatcher, referenced by id. */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { GatewayCode } from '../../catalog/entries/gateway.js';
import type { Account } from '../../domain/account.js';
import { checkUploadSize } from '../../domain/validation/media.js';
import type { MediaRecord } from '../../store/store.js';
import { accountOf } from '../plugins/auth.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';
import type { SendDeps } from '../sending.js';

export const UPLOAD_ERRORS: readonly GatewayCode[] = [
  ...AUTH_ERRORS, 'unsupported_content_type', 'payload_too_large', 'media_mime_mismatch', 'missing_required_field', 'phone_number_not_authorized',
];

/** Reads the one file of a multipart request and stores it under the account (and the number, when given). */
export async function storeUpload(deps: SendDeps, account: Account, request: FastifyRequest, numberRef?: string): Promise<MediaRecord> {
  if (!request.isMultipart()) throw gatewayError('unsupported_content_type', { detail: 'Upload media as multipart/form-data with a `file` part.' });
  let numberId: string | null = null;
  if (numberRef !== undefined) {
    const number = await deps.store.findNumber(numberRef);
    if (!number || number.accountId !== account.id)
      throw gatewayError('phone_number_not_authorized', { detail: `Number ${numberRef} is not assigned to your account.` });
    numberId = number.id;
  }
  const file = await request.file();
  if (!file) throw gatewayError('missing_required_field', { detail: 'The upload has no `file` part.', field: 'file' });
  const content = await file.toBuffer();
  // The `type` field (Meta's) names the MIME type when the part itself does not.
  const typeField = file.fields['type'];
  const declared = typeField && 'value' in typeField ? String(typeField.value) : undefined;
  const mimeType = file.mimetype && file.mimetype !== 'application/octet-stream' ? file.mimetype : (declared ?? file.mimetype);
  checkUploadSize(mimeType, content.length);
  return deps.store.createMedia(
    {
      accountId: account.id,
      numberId,
      mimeType,
      bytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      filename: file.filename || null,
      content,
    },
    deps.clock.now(),
  );
}

export function mediaRoutes(app: FastifyInstance, deps: SendDeps): void {
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
}
