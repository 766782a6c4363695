/** Reads a `/messages` request body the way Meta validates it: 100, 131008, 131009 and 131051, or the parsed message. */
import { MESSAGE_TYPES, type MessageType } from '../types.js';
import { reject, type Rejection } from './outcome.js';

export const TEXT_MAX = 4_096;
export const MEDIA_MESSAGE_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaMessageType = (typeof MEDIA_MESSAGE_TYPES)[number];

const INTERACTIVE_TYPES = ['button', 'list', 'cta_url', 'product', 'product_list', 'flow', 'location_request_message', 'address_message'];

export interface OutboundMessage {
  readonly to: string;
  readonly waId: string;
  readonly type: MessageType;
  readonly payload: Record<string, unknown>;
  readonly bizOpaqueCallbackData?: string;
}

export type ShapeDecision = { readonly kind: 'message'; readonly message: OutboundMessage } | Rejection;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Meta accepts +, spaces, hyphens and parentheses around the digits of an E.164 number. */
export function normaliseRecipient(to: string): string | undefined {
  if (!/^\+?[\d\s\-()]+$/.test(to)) return undefined;
  const digits = to.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 ? digits : undefined;
}

export function readMessage(body: unknown): ShapeDecision {
  if (!isObject(body)) return reject(100, 'The request body must be a JSON object.');
  if (body.messaging_product !== 'whatsapp') {
    return reject(100, 'The parameter messaging_product is required and must be "whatsapp".');
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') {
    return reject(100, 'Param recipient_type must be one of {individual, group}.');
  }
  if (typeof body.to !== 'string' || body.to === '') return reject(131008, 'The parameter to is required.');
  const waId = normaliseRecipient(body.to);
  if (waId === undefined) return reject(131009, `Parameter value is not valid: to (${body.to}) is not a phone number.`);
  const type = body.type === undefined ? 'text' : body.type;
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return reject(131051, `Unsupported message type: ${String(type)}.`);
  }
  const messageType = type as MessageType;
  // `contacts` is the one type whose payload is an array; wrap it so every payload is an object.
  const payload = messageType === 'contacts' && Array.isArray(body.contacts) ? { contacts: body.contacts } : body[messageType];
  if (!isObject(payload)) return reject(131008, `The parameter ${messageType} is required.`);
  const problem = checkPayload(messageType, payload);
  if (problem) return problem;
  const opaque = typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined;
  return {
    kind: 'message',
    message: { to: body.to, waId, type: messageType, payload, ...(opaque === undefined ? {} : { bizOpaqueCallbackData: opaque }) },
  };
}

function checkPayload(type: MessageType, p: Json): Rejection | undefined {
  switch (type) {
    case 'text':
      if (typeof p.body !== 'string' || p.body === '') return reject(131008, 'The parameter text.body is required.');
      if (p.body.length > TEXT_MAX) return reject(100, `Param text['body'] must be at most ${TEXT_MAX} characters long.`);
      return undefined;
    case 'template':
      if (typeof p.name !== 'string' || p.name === '') return reject(131008, 'The parameter template.name is required.');
      if (!isObject(p.language) || typeof p.language.code !== 'string') {
        return reject(131008, 'The parameter template.language.code is required.');
      }
      if (p.components !== undefined && !Array.isArray(p.components)) return reject(131009, 'template.components must be an array.');
      return undefined;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return checkMediaObject(type, p);
    case 'location':
      if (p.latitude === undefined || p.longitude === undefined) {
        return reject(131008, 'The parameters location.latitude and location.longitude are required.');
      }
      if (!inRange(p.latitude, 90) || !inRange(p.longitude, 180)) return reject(131009, 'location latitude/longitude out of range.');
      return undefined;
    case 'contacts': {
      const cards = p.contacts as unknown[];
      if (cards.length === 0) return reject(131008, 'The parameter contacts must hold at least one contact.');
      const unnamed = cards.findIndex((c) => !(isObject(c) && isObject(c.name) && typeof c.name.formatted_name === 'string'));
      return unnamed === -1 ? undefined : reject(131008, `The parameter contacts[${unnamed}].name.formatted_name is required.`);
    }
    case 'interactive':
      if (typeof p.type !== 'string') return reject(131008, 'The parameter interactive.type is required.');
      if (!INTERACTIVE_TYPES.includes(p.type)) return reject(131009, `interactive.type ${p.type} is not valid.`);
      if ((p.type === 'button' || p.type === 'list') && !(isObject(p.body) && typeof p.body.text === 'string')) {
        return reject(131008, 'The parameter interactive.body.text is required.');
      }
      if (p.type === 'button') {
        const buttons = isObject(p.action) ? p.action.buttons : undefined;
        if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) {
          return reject(131009, 'interactive.action.buttons must hold 1 to 3 buttons.');
        }
      }
      return undefined;
    case 'reaction':
      if (typeof p.message_id !== 'string') return reject(131008, 'The parameter reaction.message_id is required.');
      if (typeof p.emoji !== 'string') return reject(131008, 'The parameter reaction.emoji is required.');
      return undefined;
  }
}

function inRange(value: unknown, limit: number): boolean {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit;
}

function checkMediaObject(type: MediaMessageType, p: Json): Rejection | undefined {
  const hasId = typeof p.id === 'string' && p.id !== '';
  const hasLink = typeof p.link === 'string' && p.link !== '';
  if (!hasId && !hasLink) return reject(131008, `The parameter ${type}.id or ${type}.link is required.`);
  if (hasLink && !/^https?:\/\//i.test(p.link as string)) return reject(131009, `${type}.link must be an http(s) URL.`);
  return undefined;
}
