/**
 * The error handler: every error leaves as problem+json from the catalog (or Graph's error shape on the
 * Cloud-API-compatible routes). Unknown errors become `internal_error` and are logged, never shown.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { gatewayError, isSwitchboardError, type SwitchboardError } from '../../catalog/switchboard-error.js';
import { graphHttpStatus } from '../../catalog/catalog.js';
import { normalizeStoreFailure } from '../../catalog/normalize.js';
import { PROBLEM_CONTENT_TYPE, toGraphError, toProblem } from '../../catalog/problem.js';
import { FINITE_KEYWORD } from '../schemas/numbers.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `graph` renders errors as Graph error bodies, for the Cloud-API-compatible surface. */
    errorShape?: 'problem' | 'graph';
  }
}

/** `/text/body` → `text.body`, `/messages/3/to` → `messages[3].to`. */
export function fieldFromPointer(pointer: string, extra?: string): string {
  const parts = [...pointer.split('/').filter((p) => p !== ''), ...(extra ? [extra] : [])];
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}

function fromValidation(error: FastifyError): SwitchboardError {
  const first = error.validation?.[0];
  const context = error.validationContext ?? 'body';
  if (!first) return gatewayError('invalid_request', { detail: error.message });
  if (first.keyword === 'required') {
    const missing = String((first.params as { missingProperty?: string }).missingProperty ?? '');
    const field = fieldFromPointer(first.instancePath, missing);
    return gatewayError('missing_required_field', { detail: `\`${field}\` is required in the ${context}.`, field });
  }
  const field = fieldFromPointer(first.instancePath);
  const where = field === '' ? `The ${context}` : `\`${field}\``;
  const message = first.keyword === FINITE_KEYWORD ? 'must be a finite number' : first.message ?? 'is invalid';
  return gatewayError('invalid_request', { detail: `${where} ${message}.`, ...(field ? { field } : {}) });
}

/** Maps what Fastify and its plugins throw to catalog errors; anything unrecognised is internal. */
export function toSwitchboardError(error: unknown): { error: SwitchboardError; internal: boolean } {
  if (isSwitchboardError(error)) return { error, internal: false };
  const e = error as FastifyError;
  if (e?.validation) return { error: fromValidation(e), internal: false };
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return { error: gatewayError('unsupported_content_type', { detail: e.message }), internal: false };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return { error: gatewayError('payload_too_large', { detail: e.message }), internal: false };
    case 'FST_ERR_BAD_URL':
      return { error: gatewayError('malformed_request', { detail: 'The URL path does not decode: a `%` must be followed by two hex digits.' }), internal: false };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { error: gatewayError('uri_too_long', { detail: 'A path segment is longer than any id the gateway issues.' }), internal: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: gatewayError('malformed_json', { detail: 'The body is empty; send a JSON object.' }), internal: false };
  }
  const storeFailure = normalizeStoreFailure(error);
  if (storeFailure) return { error: storeFailure, internal: false };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status === 404) return { error: gatewayError('not_found', { detail: e.message }), internal: false };
  if (status === 413) return { error: gatewayError('payload_too_large', { detail: e.message }), internal: false };
  if (status === 415) return { error: gatewayError('unsupported_content_type', { detail: e.message }), internal: false };
  if (status >= 400 && status < 500) return { error: gatewayError('invalid_request', { detail: e.message }), internal: false };
  return { error: gatewayError('internal_error', { detail: `Something went wrong on our side; quote request id when reporting it.` }), internal: true };
}

/** The status and body an error is answered with on a route of the given shape: live, or stored for a replay. */
export function errorAnswer(error: SwitchboardError, requestId: string, shape: 'problem' | 'graph'): { statusCode: number; body: unknown } {
  if (shape === 'graph') return { statusCode: graphHttpStatus(error.entry), body: toGraphError(error, requestId) };
  return { statusCode: error.entry.httpStatus, body: toProblem(error, requestId) };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: SwitchboardError): FastifyReply {
  const shape = request.routeOptions.config?.errorShape === 'graph' ? 'graph' : 'problem';
  const answer = errorAnswer(error, request.id, shape);
  const retryAfter = error.retryAfterSeconds;
  // Retry-After follows the entry's own meaning (a Graph 400 for throttling still asks the caller to wait).
  if (retryAfter !== undefined && (error.entry.httpStatus === 429 || error.entry.httpStatus === 503)) reply.header('retry-after', String(Math.ceil(retryAfter)));
  return reply.code(answer.statusCode).type(shape === 'graph' ? 'application/json; charset=utf-8' : PROBLEM_CONTENT_TYPE).send(answer.body);
}

/** Renders any error as the catalog's answer; unknown ones are logged, never shown. */
export function renderError(raw: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, internal } = toSwitchboardError(raw);
  if (internal) request.log.error({ err: raw }, 'unhandled error');
  else if (error.entry.httpStatus >= 500) request.log.warn({ code: error.entry.code, ...(raw === error ? {} : { err: raw }) }, error.message);
  return sendError(request, reply, error);
}

export function problemPlugin(app: FastifyInstance): void {
  app.setErrorHandler(renderError);
  app.setNotFoundHandler(function renderNotFound(request, reply) {
    return sendError(request, reply, gatewayError('not_found', { detail: `No route ${request.method} ${request.url.split('?')[0]}.` }));
  });
}
