/**
 * SMS routing: the route whose destination prefix is the longest one the recipient's number starts with wins; the
 * route with the empty prefix, when there is one, is the default. A route may be kept for some accounts only.
 */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { refuse, type Refusal } from '../decision.js';

export interface SmsRoute {
  readonly id: string;
  /** Digits the destination starts with (country code first); '' = the default route. */
  readonly prefix: string;
  readonly connectorId: string;
  /** Accounts that may use the route; null = every account. */
  readonly accountIds: readonly string[] | null;
}

export type RouteDecision = { readonly kind: 'allow'; readonly route: SmsRoute } | Refusal;

/** The route for `to` (digits, a leading + tolerated): seed code 10 when none matches, 14 when the account may not use it. */
export function chooseRoute(routes: readonly SmsRoute[], to: string, accountId: string): RouteDecision {
  const digits = to.replace(/^\+/, '');
  const matching = routes.filter((r) => digits.startsWith(r.prefix));
  if (matching.length === 0) {
    return refuse(gatewayError('could_not_route', { detail: `No SMS route serves ${digits} and there is no default route.`, field: 'to' }));
  }
  const route = matching.reduce((best, r) => (r.prefix.length > best.prefix.length ? r : best));
  if (route.accountIds !== null && !route.accountIds.includes(accountId)) {
    return refuse(gatewayError('route_not_allowed', {
      detail: route.prefix === '' ? 'The default SMS route is not open to this account.' : `The SMS route for +${route.prefix} is not open to this account.`,
      field: 'to',
    }));
  }
  return { kind: 'allow', route };
}

/** A destination prefix is digits only, at most 15 of them ('' for the default route). */
export function isRoutePrefix(prefix: string): boolean {
  return /^\d{0,15}$/.test(prefix);
}
