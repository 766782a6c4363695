/**
 * Authentication for a route scope: the key (X-API-Key or Bearer) → its record → its account's access rule.
 * Tenant routes are registered inside an `account` scope, admin routes inside an `admin` scope.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { checkAccountAccess, type Account } from '../../domain/account.js';
import type { KeyKind } from '../../domain/api-key.js';
import { hashSecret } from '../../store/api-keys.js';
import type { ApiKeyRecord, Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import type { AuthFailureCounter } from './auth-failures.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated key; set by the auth hook of the route's scope. */
    apiKey: ApiKeyRecord | null;
    /** The account the key belongs to, for account-key scopes. */
    account: Account | null;
  }
}

/** The presented secret: `X-API-Key` first, else an `Authorization: Bearer` token. */
export function presentedSecret(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const authorization = request.headers.authorization;
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match?.[1];
}

export interface AuthOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly kind: KeyKind;
  /** Shared by every scope, so wrong admin and account keys from one address add up. */
  readonly failures: AuthFailureCounter;
}

function lockedOut(seconds: number) {
  return gatewayError('too_many_failed_auth', {
    detail: `Too many wrong keys came from your address; try again in ${seconds} seconds.`,
    retryAfterSeconds: seconds,
  });
}

export function authenticate(options: AuthOptions) {
  const { store, clock, kind, failures } = options;
  if (!store || !clock || !failures || (kind !== 'admin' && kind !== 'account'))
    throw new Error('authenticate needs a store, a clock, a failure counter and a key kind');
  return async function authenticateRequest(request: FastifyRequest): Promise<void> {
    const secret = presentedSecret(request);
    if (secret === undefined) throw gatewayError('missing_api_key');
    // Checked before the key: a locked-out address must not learn which of its guesses would have been right.
    const waitSeconds = await failures.lockedFor(request.ip);
    if (waitSeconds > 0) throw lockedOut(waitSeconds);
    const hash = hashSecret(secret);
    const key = await store.findKeyByHash(hash);
    // The lookup is by hash, so timing says nothing about the secret; the comparison is constant-time all the same.
    if (!key || key.revokedAt !== null || !timingSafeEqual(Buffer.from(key.secretHash, 'hex'), Buffer.from(hash, 'hex'))) {
      const lockout = await failures.recordFailure(request.ip);
      throw lockout > 0 ? lockedOut(lockout) : gatewayError('invalid_api_key');
    }
    if (key.kind !== kind)
      throw gatewayError('forbidden', {
        detail: kind === 'admin' ? 'This endpoint needs an admin key.' : 'Admin keys manage the gateway; send messages with an account key.',
      });
    request.apiKey = key;
    if (kind === 'admin') return;
    const account = key.accountId === null ? undefined : await store.getAccount(key.accountId);
    if (!account) throw gatewayError('invalid_api_key');
    const decision = checkAccountAccess(account, { now: clock.now(), ip: request.ip });
    if (decision.kind === 'refuse') throw decision.error;
    request.account = account;
  };
}

/** Decorates requests once at the root so every scope's hook writes to a known shape. */
export function authDecorations(app: FastifyInstance): void {
  app.decorateRequest('apiKey', null);
  app.decorateRequest('account', null);
}

/** The account of a request in an account scope; a route outside one calling this is a bug. */
export function accountOf(request: FastifyRequest): Account {
  if (!request.account) throw new Error('route is not inside an account-authenticated scope');
  return request.account;
}
