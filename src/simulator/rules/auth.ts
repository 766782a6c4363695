/** Who is calling: the bearer token names a business (0 when missing, 190 when unknown or expired), and a number of another business is refused (10). */
import { reject, type Rejection, PASS, type RuleOutcome } from './outcome.js';

export interface TokenOwner {
  readonly wabaId: string;
  readonly tokenExpiresAt?: number;
}

export type TokenDecision = { readonly kind: 'pass'; readonly wabaId: string } | Rejection;

/** Meta's subcode for an expired session. */
export const EXPIRED_TOKEN_SUBCODE = 463;

export function readBearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function checkToken(token: string | undefined, owner: TokenOwner | undefined, now: number): TokenDecision {
  if (token === undefined) return reject(0, 'An access token is required to request this resource.');
  if (!owner) return reject(190, 'Invalid OAuth access token - Cannot parse access token');
  if (owner.tokenExpiresAt !== undefined && now >= owner.tokenExpiresAt) {
    return reject(190, `Error validating access token: Session has expired at ${new Date(owner.tokenExpiresAt).toISOString()}.`, EXPIRED_TOKEN_SUBCODE);
  }
  return { kind: 'pass', wabaId: owner.wabaId };
}

export function checkOwnership(callerWabaId: string, ownerWabaId: string, objectId: string): RuleOutcome {
  if (callerWabaId === ownerWabaId) return PASS;
  return reject(10, `Permission Denied: the access token's business may not use object ${objectId}.`);
}
