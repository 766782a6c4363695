/** Text messages: a body of 1 to 4,096 characters, as WhatsApp counts them (code points). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { join, requireString, type Json } from './fields.js';

export const MAX_TEXT_LENGTH = 4096;

export function validateText(text: Json, path: string): Json {
  const body = requireString(text, 'body', path);
  const length = [...body].length;
  if (length > MAX_TEXT_LENGTH)
    throw gatewayError('text_too_long', {
      detail: `\`${join(path, 'body')}\` has ${length} characters; WhatsApp allows ${MAX_TEXT_LENGTH}.`,
      field: join(path, 'body'),
    });
  const preview = text['preview_url'];
  if (preview !== undefined && typeof preview !== 'boolean')
    throw gatewayError('invalid_request', { detail: `\`${join(path, 'preview_url')}\` must be a boolean.`, field: join(path, 'preview_url') });
  return text;
}
