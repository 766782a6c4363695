/**
 * Meta's webhook receiver, outside the API-key scope: it answers the subscription handshake, checks
 * X-Hub-Signature-256 over the raw body, stores the delivery and answers 200 at once; applying it comes after.
 */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { InboundStore } from '../../store/inbound-store.js';
import { answerHandshake, hasValidSignature, type HandshakeQuery } from '../../webhooks/inbound/verify.js';
import type { Clock } from '../clock.js';
import { errorResponses } from '../schemas/problem.js';

export interface MetaWebhookRouteDeps {
  readonly inbound: InboundStore;
  readonly clock: Clock;
  /** Unset: nothing can be verified, so every delivery is refused. */
  readonly appSecret: string | undefined;
  readonly verifyToken: string | undefined;
  readonly onStored: () => void;
}

export async function metaWebhookRoutes(app: FastifyInstance, deps: MetaWebhookRouteDeps): Promise<void> {
  await app.register(async function metaScope(scope) {
    // The signature covers the exact bytes Meta sent, so the body must reach the handler unparsed: the JSON parser
    // inherited from the app would otherwise win over the catch-all.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, function rawBody(_request, body, done) {
      done(null, body);
    });

    scope.get(
      '/webhooks/meta',
      { schema: { tags: ['meta webhooks'], summary: 'Subscription handshake from Meta', response: { 200: { type: 'string' }, ...errorResponses(['meta_verification_failed']) } } },
      async function answerSubscription(request, reply) {
        const challenge = deps.verifyToken === undefined ? undefined : answerHandshake(request.query as HandshakeQuery, deps.verifyToken);
        if (challenge === undefined) throw gatewayError('meta_verification_failed');
        return reply.type('text/plain').send(challenge);
      },
    );

    scope.post(
      '/webhooks/meta',
      { schema: { tags: ['meta webhooks'], summary: 'Status, message and template webhooks from Meta', response: { 200: { type: 'object', properties: { received: { type: 'boolean' } } }, ...errorResponses(['meta_signature_invalid']) } } },
      async function receiveMetaWebhook(request) {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'];
        if (deps.appSecret === undefined || !hasValidSignature(body, typeof signature === 'string' ? signature : undefined, deps.appSecret)) {
          throw gatewayError('meta_signature_invalid');
        }
        // A raw NUL byte is never in JSON, so such a body holds nothing to apply; PostgreSQL could not store it either.
        // It is acknowledged like any other unreadable body, so Meta does not send it again.
        if (body.includes(0)) return { received: true };
        await deps.inbound.saveMetaWebhook(body.toString('utf8'), deps.clock.now());
        deps.onStored();
        return { received: true };
      },
    );
  });
}
