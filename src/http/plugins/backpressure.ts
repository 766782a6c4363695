/**
 * Back-pressure on every send surface: a route that sends says how many messages a request asks to send
 * (`config.sends`), and while the gateway's backlog is over its bound such a request is refused with 503
 * `gateway_overloaded` and Retry-After before any of it is stored. Routes without `sends` (reads, cancels, admin calls)
 * and requests that send nothing (a Cloud read mark) are never refused.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BackpressureGate } from '../../app/backpressure-gate.js';
import type { BacklogKind } from '../../domain/backpressure.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How many messages a request to this route asks to send, read from its validated body; absent = a route that never sends. */
    sends?: (body: unknown) => number;
  }
}

export interface BackpressureOptions {
  readonly gate: BackpressureGate;
  readonly onRefused?: (backlog: BacklogKind) => void;
}

export function backpressurePlugin(app: FastifyInstance, options: BackpressureOptions): void {
  const { gate, onRefused } = options;
  app.addHook('preHandler', function admitSends(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const messages = request.routeOptions.config.sends?.(request.body) ?? 0;
    // Requests that send nothing pass without a promise being made.
    if (messages <= 0) return done();
    gate.admit(messages).then((decision) => {
      if (decision.kind === 'refuse') {
        onRefused?.(decision.backlog);
        return done(decision.error);
      }
      // Settled once the answer is out (or the client went away): by then the accept has stored or refused them.
      reply.raw.once('close', () => gate.settle(messages));
      done();
    }, done);
  });
}
