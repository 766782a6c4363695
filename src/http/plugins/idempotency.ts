/**
 * Idempotency-Key for the sending routes (`config.idempotent`): replays the first result, refuses a key in progress
 * (409) or reused with another body (422). The outcome is written with the messages, in their transaction.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { decideIdempotency } from '../../domain/idempotency.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** Set when this request holds an Idempotency-Key claim that its outcome must complete. */
    idempotency: IdempotencyClaim | null;
  }
}

export interface IdempotencyClaim {
  readonly accountId: string;
  readonly key: string;
  readonly requestHash: string;
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The fingerprint the draft asks for: same method, target and body ⇒ same request. */
export function requestFingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}

export function idempotencyPlugin(app: FastifyInstance, options: { store: Store; clock: Clock }): void {
  const { store, clock } = options;
  if (!store || !clock) throw new Error('idempotency needs a store and a clock');
  if (!app.hasRequestDecorator('idempotency')) app.decorateRequest('idempotency', null);

  app.addHook('preHandler', function claimIdempotencyKeyIfSent(request, reply, done) {
    // Most requests carry no key: answer them without creating a promise.
    if (!request.routeOptions.config.idempotent || !request.account || request.headers[IDEMPOTENCY_HEADER] === undefined) return done();
    // A replay has already answered; calling done() after that would run the handler as well.
    claimIdempotencyKey(request, reply).then(() => (reply.sent ? undefined : done()), done);
  });

  async function claimIdempotencyKey(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const raw = request.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined || !request.account) return;
    // The draft makes the key an sf-string ("…"); bare tokens are accepted too, as most clients send them.
    const key = String(raw).trim().replace(/^"(.*)"$/, '$1');
    if (!/^[\x21-\x7e]{1,255}$/.test(key))
      throw gatewayError('invalid_request', { detail: 'Idempotency-Key must be 1–255 printable characters.', field: 'Idempotency-Key' });
    const now = clock.now();
    const requestHash = requestFingerprint(request);
    const record = await store.claimIdempotencyKey(request.account.id, key, requestHash, now);
    const decision = decideIdempotency(record, requestHash, now);
    if (decision.kind === 'refuse') throw decision.error;
    if (decision.kind === 'replay') {
      reply.header('idempotent-replayed', 'true');
      await reply.code(decision.statusCode).send(decision.body);
      return;
    }
    request.idempotency = { accountId: request.account.id, key, requestHash };
  }

  // A request that ended without storing an outcome (a refusal, an error) frees its key for a corrected retry.
  app.addHook('onResponse', function releaseIdempotencyKey(request, _reply, done) {
    if (!request.idempotency) return done();
    store.releaseIdempotencyKey(request.idempotency.accountId, request.idempotency.key).then(() => done(), done);
  });
}
