/**
 * Authentication for reads both key kinds may make (the dashboard's aggregates): an admin key passes the admin check,
 * any other key the account check, each exactly as in its own scope (lockouts, revocation, account state, IP list).
 */
import type { FastifyRequest } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { hashSecret } from '../../store/api-keys.js';
import { authenticate, presentedSecret, type AuthOptions } from './auth.js';

export function authenticateAnyKind(options: Omit<AuthOptions, 'kind'>) {
  const asAdmin = authenticate({ ...options, kind: 'admin' });
  const asAccount = authenticate({ ...options, kind: 'account' });
  return async function authenticateAnyKey(request: FastifyRequest): Promise<void> {
    const secret = presentedSecret(request);
    const key = secret === undefined ? undefined : await options.store.findKeyByHash(hashSecret(secret));
    return key?.kind === 'admin' ? asAdmin(request) : asAccount(request);
  };
}

/**
 * The account a read covers: an account key's own (naming another is refused), or for an admin key the one it names,
 * or null for every account.
 */
export function readScope(request: FastifyRequest, named: string | undefined): string | null {
  if (request.account === null) return named ?? null;
  if (named !== undefined && named !== request.account.id) throw gatewayError('forbidden', { detail: 'An account key reads its own account only.' });
  return request.account.id;
}
