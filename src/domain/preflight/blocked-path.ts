/** Request rule: an operator can block API paths for one account (seed 002's "The Path is Blocked", 403). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

/**
 * A pattern is a path, optionally preceded by a method (`POST /v1/templates`); a trailing `*` matches any rest, and
 * `:x` matches one segment. Query strings are ignored.
 */
export function pathMatches(pattern: string, method: string, path: string): boolean {
  const [first, second] = pattern.trim().split(/\s+/, 2);
  const wantMethod = second === undefined ? undefined : first!.toUpperCase();
  const wanted = (second ?? first ?? '').replace(/\/+$/, '');
  if (wantMethod !== undefined && wantMethod !== method.toUpperCase()) return false;
  const actual = path.split('?')[0]!.replace(/\/+$/, '');
  if (wanted.endsWith('*')) return actual.startsWith(wanted.slice(0, -1));
  const a = actual.split('/');
  const w = wanted.split('/');
  return a.length === w.length && w.every((part, i) => part.startsWith(':') ? a[i] !== '' : part === a[i]);
}

export function checkBlockedPath(blocked: readonly string[], method: string, path: string): RuleDecision {
  const hit = blocked.find((pattern) => pathMatches(pattern, method, path));
  if (hit === undefined) return ALLOW;
  return refuse(gatewayError('path_blocked', { detail: `This URL ${path.split('?')[0]} is blocked for your account (${hit}).` }));
}
