/** Media endpoints: multipart upload per phone number (MIME and size checked per type), then read, download and delete by id. */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkUpload, MAX_UPLOAD_BYTES } from '../rules/media.js';
import { reject } from '../rules/outcome.js';
import { callerNumber, isRefusal, graphFailure, unknownObject, type GraphResult } from '../graph-result.js';
import type { SimCore } from '../sim-core.js';
import type { Media } from '../state.js';
import { answer, callerOf } from './graph-scope.js';

interface Upload {
  fields: Record<string, string>;
  file?: { data: Buffer; mimeType: string; fileName: string };
  tooLarge?: boolean;
}

async function readUpload(request: FastifyRequest): Promise<Upload> {
  const upload: Upload = { fields: {} };
  for await (const part of request.parts({ limits: { fileSize: MAX_UPLOAD_BYTES } })) {
    if (part.type === 'file') {
      const data = await part.toBuffer().catch((error: { code?: string }) => {
        if (error.code === 'FST_REQ_FILE_TOO_LARGE') return undefined;
        throw error;
      });
      if (data === undefined) upload.tooLarge = true;
      else upload.file = { data, mimeType: part.mimetype, fileName: part.filename };
    } else {
      upload.fields[part.fieldname] = String(part.value);
    }
  }
  return upload;
}

function uploadMedia(core: SimCore, phoneNumberId: string, upload: Upload): GraphResult {
  if (upload.fields.messaging_product !== 'whatsapp') {
    return graphFailure(core, reject(100, 'The parameter messaging_product is required and must be "whatsapp".'));
  }
  if (upload.tooLarge) return graphFailure(core, reject(131053, `Media upload error: the file is over ${MAX_UPLOAD_BYTES} bytes.`));
  if (!upload.file) return graphFailure(core, reject(131008, 'The parameter file is required.'));
  // Meta reads the MIME type from the `type` field and falls back to the part's own header.
  const mimeType = upload.fields.type ?? upload.file.mimeType;
  const check = checkUpload(mimeType, upload.file.data.length);
  if (check.kind === 'reject') return graphFailure(core, check);
  const media: Media = {
    id: core.state.newMediaId(),
    phoneNumberId,
    mimeType,
    sha256: createHash('sha256').update(upload.file.data).digest('hex'),
    data: upload.file.data,
    fileName: upload.file.fileName,
  };
  core.state.media.set(media.id, media);
  return { status: 200, body: { id: media.id } };
}

export function describeMedia(core: SimCore, baseUrl: string, media: Media): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    url: `${baseUrl}/_sim/media/${media.id}/download`,
    mime_type: media.mimeType,
    sha256: media.sha256,
    // A string, as in Meta's OpenAPI (and the SDKs that follow it).
    file_size: String(media.data.length),
    id: media.id,
  };
}

/** The media if the caller's business owns the number it was uploaded to (or received on). */
export function callerMedia(core: SimCore, wabaId: string, id: string): Media | undefined {
  const media = core.state.media.get(id);
  if (!media) return undefined;
  return core.state.numbers.get(media.phoneNumberId)?.wabaId === wabaId ? media : undefined;
}

export function registerMediaRoutes(app: FastifyInstance, core: SimCore): void {
  app.post('/:phoneNumberId/media', async function postMedia(request, reply) {
    const { phoneNumberId } = request.params as { phoneNumberId: string };
    const number = callerNumber(core, callerOf(request), phoneNumberId);
    if (isRefusal(number)) return answer(request, reply, number);
    if (!request.isMultipart()) return answer(request, reply, graphFailure(core, reject(131008, 'Media must be uploaded as multipart/form-data with a file part.')));
    const upload = await readUpload(request);
    // SDKs put messaging_product in the query string (whatsapp-api-js does) or in the form; Meta takes either.
    const query = request.query as { messaging_product?: string };
    if (upload.fields.messaging_product === undefined && query.messaging_product !== undefined) upload.fields.messaging_product = query.messaging_product;
    return answer(request, reply, uploadMedia(core, phoneNumberId, upload));
  });
}

export function deleteMedia(core: SimCore, wabaId: string, id: string): GraphResult {
  if (!callerMedia(core, wabaId, id)) return unknownObject(core, id, 'delete');
  core.state.media.delete(id);
  return { status: 200, body: { success: true } };
}
