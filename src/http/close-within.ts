/**
 * Closing the HTTP server waits for the requests in flight, but not forever: a connection still open when the grace
 * period ends (a client holding a request open, or one that keeps reusing its kept-alive connection) is cut, so a
 * shutdown always ends and the rest of it (dispatch, the store) can close behind it.
 */
import type { FastifyInstance } from 'fastify';

export const HTTP_CLOSE_GRACE_MS = 5_000;

export async function closeWithin(app: FastifyInstance, graceMs: number = HTTP_CLOSE_GRACE_MS): Promise<void> {
  const cut = setTimeout(() => {
    app.log.warn({ graceMs }, 'connections still open when the shutdown grace period ended were closed');
    app.server.closeAllConnections();
  }, graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}
