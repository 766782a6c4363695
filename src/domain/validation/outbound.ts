/** Turns a send request (native or Cloud-API-shaped) into an OutboundMessage, or throws the catalog error naming the field. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { isMessageType, MESSAGE_TYPES, type OutboundMessage, type TemplateRef } from '../message.js';
import { isObject, join, optionalObject, requireArray, requireObject, requireString, type Json } from './fields.js';
import { validateContacts, validateInteractive, validateReaction } from './interactive.js';
import { validateLocation } from './location.js';
import { isMediaType, validateMedia } from './media.js';
import { readRecipient } from '../contact-identity.js';
import { validateText } from './text.js';

/** `path` prefixes field names, e.g. `messages[3]` inside a batch. */
export function validateOutbound(body: unknown, path = ''): OutboundMessage {
  if (!isObject(body)) throw gatewayError('invalid_request', { detail: 'The message must be a JSON object.', field: path || undefined });
  const product = body['messaging_product'];
  if (product !== undefined && product !== 'whatsapp')
    throw gatewayError('invalid_request', { detail: '`messaging_product` must be "whatsapp".', field: join(path, 'messaging_product') });
  const recipient = readRecipient(...recipientField(body, path));
  const to = recipient.kind === 'phone' ? recipient.waId : recipient.userId;
  const rawType = body['type'] ?? (body['text'] !== undefined ? 'text' : undefined);
  if (rawType === undefined) throw gatewayError('missing_required_field', { detail: `\`${join(path, 'type')}\` is required.`, field: join(path, 'type') });
  if (typeof rawType !== 'string' || !isMessageType(rawType))
    throw gatewayError('invalid_request', { detail: `\`${join(path, 'type')}\` must be one of ${MESSAGE_TYPES.join(', ')}.`, field: join(path, 'type') });
  const type = rawType;
  const typePath = join(path, type);
  // Meta takes a user id in `recipient`, a phone number in `to`.
  const address = recipient.kind === 'phone' ? { to } : { recipient: to };
  const payload: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual', ...address, type };
  const context = optionalObject(body, 'context', path);
  if (context) payload['context'] = { message_id: requireString(context, 'message_id', join(path, 'context')) };
  const callbackData = body['biz_opaque_callback_data'];
  if (typeof callbackData === 'string') payload['biz_opaque_callback_data'] = callbackData;

  if (type === 'contacts') {
    payload['contacts'] = validateContacts(requireArray(body, 'contacts', path, { min: 1 }), typePath);
    return { to, type, payload };
  }
  const content = requireObject(body, type, path);
  if (type === 'text') payload['text'] = validateText(content, typePath);
  else if (type === 'location') payload['location'] = validateLocation(content, typePath);
  else if (type === 'interactive') payload['interactive'] = validateInteractive(content, typePath);
  else if (type === 'reaction') payload['reaction'] = validateReaction(content, typePath);
  else if (type === 'template') {
    const template = validateTemplateRef(content, typePath);
    payload['template'] = { name: template.name, language: { policy: 'deterministic', code: template.language }, components: template.components };
    return { to, type, payload, template };
  } else if (isMediaType(type)) {
    const media = validateMedia(type, content, typePath);
    payload[type] = content;
    return { to, type, payload, media };
  }
  return { to, type, payload };
}

/** `to` (a phone or a user id), else Meta's `recipient` (a user id); Meta lets `to` win when both are given. */
function recipientField(body: Json, path: string): [string, string] {
  if (body['to'] === undefined && typeof body['recipient'] === 'string') return [body['recipient'], join(path, 'recipient')];
  return [requireString(body, 'to', path), join(path, 'to')];
}

function validateTemplateRef(template: Json, path: string): TemplateRef {
  const name = requireString(template, 'name', path);
  const rawLanguage = template['language'];
  let language: string;
  // The native API also takes `language: "en_US"`; Meta's shape is `language: { code }`.
  if (typeof rawLanguage === 'string' && rawLanguage !== '') language = rawLanguage;
  else if (isObject(rawLanguage)) language = requireString(rawLanguage, 'code', join(path, 'language'));
  else if (rawLanguage === undefined || rawLanguage === null || rawLanguage === '')
    throw gatewayError('missing_required_field', { detail: `\`${join(path, 'language')}\` is required.`, field: join(path, 'language') });
  else throw gatewayError('invalid_request', { detail: `\`${join(path, 'language')}\` must be a code or { code }.`, field: join(path, 'language') });
  const components = template['components'] === undefined ? [] : requireArray(template, 'components', path);
  components.forEach((c, i) => {
    const at = join(join(path, 'components'), i);
    if (!isObject(c)) throw gatewayError('invalid_request', { detail: `\`${at}\` must be an object.`, field: at });
    requireString(c, 'type', at);
    if (c['parameters'] !== undefined) requireArray(c, 'parameters', at);
  });
  return { name, language, components: components as Record<string, unknown>[] };
}
