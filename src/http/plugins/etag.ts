/**
 * Conditional GETs for polled reads: a 200 answer carries a weak ETag of its body, and a request whose If-None-Match
 * names it is answered 304 with no body, so a dashboard polling every few seconds moves bytes only when figures change.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export function etagOf(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

export function conditionalGetPlugin(app: FastifyInstance): void {
  app.addHook('onSend', async function answerNotModified(request, reply, payload) {
    if (request.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const etag = etagOf(payload);
    void reply.header('etag', etag).header('cache-control', 'private, no-cache');
    const wanted = request.headers['if-none-match'];
    if (wanted === undefined || !wanted.split(',').some((tag) => tag.trim() === etag)) return payload;
    void reply.code(304);
    return '';
  });
}
