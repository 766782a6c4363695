/** Request ids: the caller's `X-Request-Id` when it is sane, else a fresh `req_` id; echoed on every response and log line. */
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { newId } from '../../store/ids.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Passed to Fastify as `genReqId`; only short printable ids are taken from the caller so logs cannot be forged. */
export function generateRequestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given)) return given;
  return newId('req');
}

export function requestIdPlugin(app: FastifyInstance): void {
  app.addHook('onRequest', function echoRequestId(request, reply, done) {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
