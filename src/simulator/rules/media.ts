/** Media rules: MIME and size per type on upload and send (131053), unknown ids (131009), unreachable links (131053 on the status webhook). */
import { reject, type Rejection, PASS, type RuleOutcome } from './outcome.js';
import type { MediaMessageType } from './message-shape.js';

const MB = 1024 * 1024;

/** Meta's supported media table (research §5.5); stickers allow the animated limit. */
export const MEDIA_LIMITS: Readonly<Record<MediaMessageType, { readonly mimeTypes: readonly string[]; readonly maxBytes: number }>> = {
  audio: { mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg; codecs=opus'], maxBytes: 16 * MB },
  document: {
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
  },
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  sticker: { mimeTypes: ['image/webp'], maxBytes: 500 * 1024 },
  video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
};

export const MAX_UPLOAD_BYTES = 100 * MB;

function normaliseMime(mime: string): string {
  return mime.toLowerCase().replace(/\s+/g, '').replace(';codecs=', '; codecs=');
}

/** The message types a MIME type may be sent as (image/webp only as a sticker). */
export function typesForMime(mime: string): MediaMessageType[] {
  const m = normaliseMime(mime);
  return (Object.keys(MEDIA_LIMITS) as MediaMessageType[]).filter((t) => MEDIA_LIMITS[t].mimeTypes.includes(m));
}

export function checkUpload(mime: string, bytes: number): RuleOutcome {
  const types = typesForMime(mime);
  if (types.length === 0) {
    // Plain audio/ogg is refused too: Meta wants OPUS (research §5.5, M-AUDIO).
    return reject(131053, `Media upload error: unsupported MIME type ${mime}.`);
  }
  const limit = Math.max(...types.map((t) => MEDIA_LIMITS[t].maxBytes));
  if (bytes > limit) return reject(131053, `Media upload error: ${bytes} bytes is over the ${limit}-byte limit for ${mime}.`);
  if (bytes === 0) return reject(131053, 'Media upload error: the file is empty.');
  return PASS;
}

export interface StoredMediaFacts {
  readonly mimeType: string;
}

export interface LinkFacts {
  readonly reachable: boolean;
  readonly mimeType?: string;
}

/** What a send with media decides now, and what it fails with later (Meta fetches links after accepting). */
export type MediaDecision = { readonly kind: 'pass'; readonly later?: Rejection } | Rejection;

export function checkMediaReference(
  type: MediaMessageType,
  payload: Record<string, unknown>,
  media: StoredMediaFacts | undefined,
  link: LinkFacts | undefined,
): MediaDecision {
  if (typeof payload.id === 'string' && payload.id !== '') {
    if (!media) return reject(131009, `Parameter value is not valid: ${type}.id ${payload.id} is not a media id of this business.`);
    if (!typesForMime(media.mimeType).includes(type)) {
      return reject(131053, `Media upload error: ${media.mimeType} cannot be sent as ${type}.`);
    }
    return { kind: 'pass' };
  }
  if (!link || !link.reachable) {
    return { kind: 'pass', later: reject(131053, `Media upload error: the media at ${String(payload.link)} could not be downloaded.`) };
  }
  if (link.mimeType !== undefined && !typesForMime(link.mimeType).includes(type)) {
    return { kind: 'pass', later: reject(131053, `Media upload error: ${link.mimeType} at ${String(payload.link)} cannot be sent as ${type}.`) };
  }
  return { kind: 'pass' };
}

const EXTENSION_MIME: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif',
  mp4: 'video/mp4', '3gp': 'video/3gpp', aac: 'audio/aac', amr: 'audio/amr', mp3: 'audio/mpeg', m4a: 'audio/mp4',
  ogg: 'audio/ogg', opus: 'audio/ogg; codecs=opus', pdf: 'application/pdf', txt: 'text/plain', doc: 'application/msword',
};

/**
 * The simulator does not go on the network for links: a link is what the admin API said it is, else
 * unreachable when its host ends in `.invalid` (RFC 2606) and typed by its extension otherwise.
 */
export function guessLink(url: string): LinkFacts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { reachable: false };
  }
  if (parsed.hostname.endsWith('.invalid')) return { reachable: false };
  const ext = parsed.pathname.split('.').pop()?.toLowerCase() ?? '';
  const mimeType = EXTENSION_MIME[ext];
  return mimeType === undefined ? { reachable: true } : { reachable: true, mimeType };
}
