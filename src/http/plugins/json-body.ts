/** Reads JSON bodies itself so that malformed JSON is answered with `malformed_json` and where parsing stopped. */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../domain/json-depth.js';

/** Line and column (1-based) of a character offset, for a `detail` a person can act on. */
function locate(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column} (offset ${offset})`;
}

/** A NUL in a JSON string: raw, or as the escape `\u0000` (after an even number of backslashes, so not a literal `\\u0000`). */
// eslint-disable-next-line no-control-regex -- finding a NUL is the point
const NUL_CHARACTER = /\u0000|(?:^|[^\\])(?:\\\\)*\\u0000/;

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw gatewayError('malformed_json', { detail: 'The body is empty; send a JSON object.' });
  // PostgreSQL cannot store a NUL in text, and no field of a send, a template or an endpoint needs one.
  if (NUL_CHARACTER.test(text)) throw gatewayError('invalid_request', { detail: 'The body contains a NUL character (\\u0000), which no field may hold.' });
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    throw gatewayError('json_too_deep', { detail: `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.` });
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    // Node 20 names the offset; when the message has none the input ended early.
    const where = position ? locate(text, Number(position[1])) : `the end of the body (offset ${text.length})`;
    throw gatewayError('malformed_json', { detail: `The body is not valid JSON: ${message}. Parsing stopped at ${where}.` });
  }
}

export function jsonBodyPlugin(app: FastifyInstance): void {
  // text/plain is Fastify's other default; without it, anything but JSON (and multipart on upload routes) is a 415.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(/^application\/([a-z.+-]+\+)?json(;.*)?$/i, { parseAs: 'string' }, function parseJson(_request, body, done) {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
