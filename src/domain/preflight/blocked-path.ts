/** Request rule: an operator can block API paths for one account (seed 002's "The Path is Blocked", 403). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

/**
 * What the router made of a request: its method, the route pattern it chose (`/v1/messages/:id`) and the request URL.
 * Patterns are matched against the route and the percent-decoded path, never the raw URL, so `/v1/%63redit` is
 * `/v1/credit` here exactly as it is to the router.
 */
export interface RoutedRequest {
  readonly method: string;
  readonly route: string;
  readonly url: string;
}

/** The path's segments, each percent-decoded as the router decodes them; a segment that does not decode stays as sent. */
function decodedSegments(url: string): string[] {
  return url.split('?')[0]!.replace(/\/+$/, '').split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

/** HEAD is answered by the GET route, so a pattern for GET blocks it too. */
const methodOf = (method: string): string => (method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase());

function segmentsMatch(wanted: string, actual: readonly string[]): boolean {
  if (wanted.endsWith('*')) return actual.join('/').startsWith(wanted.slice(0, -1));
  const w = wanted.split('/');
  return actual.length === w.length && w.every((part, i) => (part.startsWith(':') ? actual[i] !== '' : part === actual[i]));
}

/**
 * A pattern is a path, optionally preceded by a method (`POST /v1/templates`); a trailing `*` matches any rest, and
 * `:x` matches one segment. Query strings are ignored.
 */
export function pathMatches(pattern: string, request: RoutedRequest): boolean {
  const [first, second] = pattern.trim().split(/\s+/, 2);
  const wantMethod = second === undefined ? undefined : methodOf(first!);
  const wanted = (second ?? first ?? '').replace(/\/+$/, '');
  if (wantMethod !== undefined && wantMethod !== methodOf(request.method)) return false;
  return segmentsMatch(wanted, request.route.replace(/\/+$/, '').split('/')) || segmentsMatch(wanted, decodedSegments(request.url));
}

export function checkBlockedPath(blocked: readonly string[], request: RoutedRequest): RuleDecision {
  const hit = blocked.find((pattern) => pathMatches(pattern, request));
  if (hit === undefined) return ALLOW;
  return refuse(gatewayError('path_blocked', { detail: `This URL ${decodedSegments(request.url).join('/')} is blocked for your account (${hit}).` }));
}
