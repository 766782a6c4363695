/** Builds a customer's inbound message in Meta's webhook shape: text, media (or 131052 when it cannot be fetched), button and interactive replies. */
import type { StatusError } from './graph-error.js';
import type { InboundInput } from './types.js';

export interface InboundParts {
  readonly wamid: string;
  readonly timestamp: string;
  /** Id of the media record the simulator stored for an inbound media message. */
  readonly mediaId?: string;
  readonly mediaSha256?: string;
  /** The 131052 error when the media was marked not downloadable. */
  readonly mediaError?: StatusError;
}

export const DEFAULT_INBOUND_MIME = {
  image: 'image/jpeg',
  audio: 'audio/ogg; codecs=opus',
  video: 'video/mp4',
  document: 'application/pdf',
  sticker: 'image/webp',
} as const;

export function buildInboundMessage(input: InboundInput, parts: InboundParts): Record<string, unknown> {
  const base = {
    from: input.from.replace(/\D/g, ''),
    id: parts.wamid,
    timestamp: parts.timestamp,
    ...(input.contextMessageId === undefined ? {} : { context: { from: input.phoneNumberId, id: input.contextMessageId } }),
  };
  if (input.media) {
    const { type } = input.media;
    if (parts.mediaError) return { ...base, type: 'unsupported', errors: [parts.mediaError] };
    return {
      ...base,
      type,
      [type]: {
        id: parts.mediaId,
        mime_type: input.media.mimeType ?? DEFAULT_INBOUND_MIME[type],
        sha256: parts.mediaSha256,
        ...(input.media.caption === undefined ? {} : { caption: input.media.caption }),
        ...(input.media.filename === undefined ? {} : { filename: input.media.filename }),
        ...(type === 'audio' ? { voice: false } : {}),
      },
    };
  }
  if (input.button) {
    return { ...base, type: 'button', button: { text: input.button.text, payload: input.button.payload ?? input.button.text } };
  }
  if (input.interactive) {
    const { kind, id, title, description } = input.interactive;
    return {
      ...base,
      type: 'interactive',
      interactive: { type: kind, [kind]: { id, title, ...(description === undefined ? {} : { description }) } },
    };
  }
  return { ...base, type: 'text', text: { body: input.text ?? '' } };
}
