/** Media messages and uploads: link or id, what a link must look like, and which MIME types each media type takes. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { join, optionalString, type Json } from './fields.js';

export const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Meta's supported formats and size limits per media type (Cloud API "Supported media types"). */
export const MEDIA_RULES: Readonly<Record<MediaType, { readonly mimeTypes: readonly string[]; readonly maxBytes: number }>> = {
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
  audio: { mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * 1024 * 1024 },
  video: { mimeTypes: ['video/3gpp', 'video/mp4'], maxBytes: 16 * 1024 * 1024 },
  document: {
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * 1024 * 1024,
  },
  sticker: { mimeTypes: ['image/webp'], maxBytes: 500 * 1024 },
};

const EXTENSION_MIME: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif',
  aac: 'audio/aac', amr: 'audio/amr', mp3: 'audio/mpeg', m4a: 'audio/mp4', ogg: 'audio/ogg', opus: 'audio/ogg',
  mp4: 'video/mp4', '3gp': 'video/3gpp', mov: 'video/quicktime',
  txt: 'text/plain', pdf: 'application/pdf', doc: 'application/msword', xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export function isMediaType(value: string): value is MediaType {
  return (MEDIA_TYPES as readonly string[]).includes(value);
}

export type MediaSource = { readonly kind: 'link'; readonly url: string } | { readonly kind: 'id'; readonly id: string };

/** Checks the media object's shape and link; the id's existence and MIME type are checked by the caller's facts. */
export function validateMedia(type: MediaType, media: Json, path: string): MediaSource {
  const link = optionalString(media, 'link', path);
  const id = optionalString(media, 'id', path);
  if (link !== undefined && id !== undefined)
    throw gatewayError('invalid_request', { detail: `Give either \`${path}.link\` or \`${path}.id\`, not both.`, field: path });
  if (link === undefined && id === undefined)
    throw gatewayError('missing_required_field', { detail: `\`${path}\` needs a \`link\` or an uploaded media \`id\`.`, field: join(path, 'link') });
  optionalString(media, 'caption', path);
  optionalString(media, 'filename', path);
  if (id !== undefined) return { kind: 'id', id };
  const url = checkMediaLink(link ?? '', join(path, 'link'));
  const inferred = mimeFromLink(url);
  if (inferred !== undefined) checkMediaMime(type, inferred, join(path, 'link'));
  return { kind: 'link', url };
}

function checkMediaLink(link: string, field: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw gatewayError('invalid_media_link', { detail: `\`${field}\` is not a URL.`, field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw gatewayError('invalid_media_link', { detail: `\`${field}\` must be an http(s) URL, not ${url.protocol}.`, field });
  // "%25" followed by two hex digits is an escape that was itself escaped: Meta would fetch the wrong path.
  if (/%25[0-9a-f]{2}/i.test(link))
    throw gatewayError('invalid_media_link', { detail: `\`${field}\` is URL-encoded twice.`, field });
  return link;
}

export function mimeFromLink(link: string): string | undefined {
  const pathname = new URL(link).pathname;
  const match = /\.([a-z0-9]+)$/i.exec(pathname);
  return match ? EXTENSION_MIME[match[1]!.toLowerCase()] : undefined;
}

export function checkMediaMime(type: MediaType, mimeType: string, field: string): void {
  const mime = mimeType.split(';')[0]!.trim().toLowerCase();
  if (!MEDIA_RULES[type].mimeTypes.includes(mime))
    throw gatewayError('media_mime_mismatch', {
      detail: `A ${type} cannot be ${mime}; ${type} takes ${MEDIA_RULES[type].mimeTypes.join(', ')}.`,
      field,
    });
}

/** The media type an uploaded file of this MIME type can be sent as, for uploads that do not say. */
export function mediaTypeForMime(mimeType: string): MediaType | undefined {
  const mime = mimeType.split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPES.find((t) => MEDIA_RULES[t].mimeTypes.includes(mime));
}

/** The largest upload Meta takes for this MIME type (its media type's limit); unsupported types are refused. */
export function uploadLimitFor(mimeType: string): { readonly type: MediaType; readonly maxBytes: number } {
  const type = mediaTypeForMime(mimeType);
  if (type === undefined)
    throw gatewayError('media_mime_mismatch', { detail: `${mimeType} is not a media type WhatsApp supports.`, field: 'file' });
  return { type, maxBytes: MEDIA_RULES[type].maxBytes };
}

/** Called as bytes arrive, so an oversized file is refused at its limit, not after it was read in full. */
export function checkUploadSize(limit: { readonly type: MediaType; readonly maxBytes: number }, bytes: number): void {
  if (bytes > limit.maxBytes)
    throw gatewayError('payload_too_large', { detail: `A ${limit.type} may be at most ${limit.maxBytes} bytes; this one has more.`, field: 'file' });
}

/** Whether an upload of `bytes` fits beside the `storedBytes` the account keeps, under its storage cap. */
export function fitsMediaStorage(storedBytes: number, bytes: number, capBytes: number): boolean {
  return storedBytes + bytes <= capBytes;
}
