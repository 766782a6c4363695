/** Interactive (buttons, lists, call-to-action), reaction and contacts messages: the limits Meta documents. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { isObject, join, optionalObject, requireArray, requireMaxLength, requireObject, requireString, type Json } from './fields.js';

const INTERACTIVE_TYPES = ['button', 'list', 'cta_url', 'product', 'product_list', 'flow', 'location_request_message'];

export function validateInteractive(interactive: Json, path: string): Json {
  const type = requireString(interactive, 'type', path);
  if (!INTERACTIVE_TYPES.includes(type))
    throw gatewayError('invalid_request', { detail: `\`${join(path, 'type')}\` must be one of ${INTERACTIVE_TYPES.join(', ')}.`, field: join(path, 'type') });
  const body = optionalObject(interactive, 'body', path);
  if (body) requireMaxLength(requireString(body, 'text', join(path, 'body')), 1024, join(path, 'body.text'));
  const action = requireObject(interactive, 'action', path);
  const actionPath = join(path, 'action');
  if (type === 'button') {
    const buttons = requireArray(action, 'buttons', actionPath, { min: 1, max: 3 });
    buttons.forEach((b, i) => {
      const at = join(join(actionPath, 'buttons'), i);
      if (!isObject(b)) throw gatewayError('invalid_request', { detail: `\`${at}\` must be an object.`, field: at });
      const reply = requireObject(b, 'reply', at);
      requireString(reply, 'id', join(at, 'reply'));
      requireMaxLength(requireString(reply, 'title', join(at, 'reply')), 20, join(at, 'reply.title'));
    });
  }
  if (type === 'list') {
    requireMaxLength(requireString(action, 'button', actionPath), 20, join(actionPath, 'button'));
    const sections = requireArray(action, 'sections', actionPath, { min: 1, max: 10 });
    let rows = 0;
    sections.forEach((s, i) => {
      const at = join(join(actionPath, 'sections'), i);
      if (!isObject(s)) throw gatewayError('invalid_request', { detail: `\`${at}\` must be an object.`, field: at });
      rows += requireArray(s, 'rows', at, { min: 1 }).length;
    });
    if (rows > 10)
      throw gatewayError('invalid_request', { detail: `A list may hold at most 10 rows in all; this one has ${rows}.`, field: join(actionPath, 'sections') });
  }
  return interactive;
}

export function validateReaction(reaction: Json, path: string): Json {
  requireString(reaction, 'message_id', path);
  // An empty emoji removes a reaction, so only its type is checked.
  const emoji = reaction['emoji'];
  if (typeof emoji !== 'string')
    throw gatewayError(emoji === undefined ? 'missing_required_field' : 'invalid_request', { detail: `\`${join(path, 'emoji')}\` must be a string.`, field: join(path, 'emoji') });
  return reaction;
}

export function validateContacts(contacts: unknown[], path: string): unknown[] {
  contacts.forEach((c, i) => {
    const at = join(path, i);
    if (!isObject(c)) throw gatewayError('invalid_request', { detail: `\`${at}\` must be an object.`, field: at });
    requireString(requireObject(c, 'name', at), 'formatted_name', join(at, 'name'));
  });
  return contacts;
}
