/**
 * What the framework and Node answer before a route runs (an undecodable URL, an over-long path id, broken framing,
 * oversized headers, a compressed body) leaves as problem+json from the catalog too, naming no framework internals.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../../catalog/problem.js';
import { gatewayError, type SwitchboardError } from '../../catalog/switchboard-error.js';
import { newId } from '../../store/ids.js';
import { renderError } from './problem.js';

/** Fastify's `frameworkErrors` option: router refusals go through the same renderer as every other error. */
export function renderFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void renderError(error, request, reply);
}

/** The refusal for an error Node's HTTP parser raised on a connection (no request object exists yet). */
function clientErrorOf(error: NodeJS.ErrnoException): SwitchboardError {
  if (error.code === 'HPE_HEADER_OVERFLOW') return gatewayError('request_headers_too_large');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return gatewayError('request_timeout');
  return gatewayError('malformed_request', { detail: 'The request could not be read as HTTP/1.1.' });
}

/**
 * Whether the refused request was a HEAD, read from the bytes the parser held: its answer must carry no body, or the
 * client reads the body as the start of a next answer.
 */
function refusedHead(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): boolean {
  return error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
}

/** Fastify's `clientErrorHandler` option: answers on the raw socket, as Node would, but with a problem body. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const refusal = clientErrorOf(error);
    const status = refusal.entry.httpStatus;
    const body = JSON.stringify(toProblem(refusal, newId('req')));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${refusedHead(error) ? '' : body}`,
    );
  }
  socket.destroy(error);
}

/** The refusal for a request Node would otherwise answer itself with an empty body, or none when it is fine. */
function framingRefusal(request: Pick<IncomingMessage, 'headers' | 'httpVersion' | 'url'>): SwitchboardError | undefined {
  // No identifier, cursor or filter holds a NUL, and PostgreSQL cannot store one in text: refused alike on every engine.
  if (/%00/.test(request.url ?? ''))
    return gatewayError('malformed_request', { detail: 'The path or query string contains a NUL character (%00), which no value here may hold.' });
  const encoding = request.headers['content-encoding'];
  // Compressed bodies would otherwise be read as if they were plain JSON.
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
    return gatewayError('unsupported_content_encoding', { detail: `Content-Encoding \`${encoding}\` is not read; send the body uncompressed.` });
  if (request.httpVersion === '1.1' && request.headers.host === undefined)
    return gatewayError('malformed_request', { detail: 'An HTTP/1.1 request must carry a Host header.' });
  return undefined;
}

/**
 * Refusals Node would answer with an empty body: a missing Host (Node's own check is turned off in `buildApp` so that
 * this hook answers instead), compressed bodies, and an `Expect` the server cannot meet; and URLs carrying a NUL.
 */
export function requestFramingPlugin(app: FastifyInstance): void {
  app.addHook('onRequest', function refuseBadFraming(request, _reply, done) {
    done(framingRefusal(request.raw));
  });
  app.server.on('checkExpectation', function refuseExpectation(_request: IncomingMessage, response: ServerResponse) {
    const body = JSON.stringify(toProblem(gatewayError('expectation_failed'), newId('req')));
    response.writeHead(417, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) }).end(body);
  });
}
