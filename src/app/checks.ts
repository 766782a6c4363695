/** What every use case does with what it was given: apply the domain's decisions, read times, drop fields left out. */
import { findEntry } from '../catalog/catalog.js';
import { NAMESPACES } from '../catalog/entry.js';
import { gatewayError } from '../catalog/switchboard-error.js';
import type { RuleDecision } from '../domain/decision.js';

/** Throws the first refusal, so a use case reads as a list of the rules it applies. */
export function enforce(...decisions: readonly RuleDecision[]): void {
  for (const decision of decisions) if (decision.kind === 'refuse') throw decision.error;
}

/** A catalog entry named `namespace/code` (as problem types and error views name it); refused when the catalog has none. */
export function catalogRef(value: string, field: string): { readonly namespace: string; readonly code: number | string } {
  const [namespace = '', code = ''] = value.split('/', 2);
  const ns = NAMESPACES.find((n) => n === namespace);
  const entry = ns && (findEntry(ns, code) ?? (/^\d+$/.test(code) ? findEntry(ns, Number(code)) : undefined));
  if (!entry) throw gatewayError('invalid_request', { detail: `\`${field}\` must name a catalog entry as namespace/code.`, field });
  return { namespace: entry.namespace, code: entry.code };
}

/** An ISO 8601 time as epoch ms; null (cleared) and undefined (left out) pass through. */
export function parseTime(value: string | undefined, field: string): number | undefined;
export function parseTime(value: string | null | undefined, field: string): number | null | undefined;
export function parseTime(value: string | null | undefined, field: string): number | null | undefined {
  if (value === null || value === undefined) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw gatewayError('invalid_request', { detail: `\`${field}\` must be an ISO 8601 time.`, field });
  return ms;
}

/** A patch holds only what the caller set: a field left out must not overwrite the stored value. */
export function definedFields<T extends object>(fields: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

/** A value of a closed set, checked where the caller is a command line rather than a schema. */
export function checkOneOf<T extends string>(set: readonly T[], value: string | undefined, field: string): T | undefined {
  if (value === undefined || (set as readonly string[]).includes(value)) return value as T | undefined;
  throw gatewayError('invalid_request', { detail: `\`${field}\` must be one of ${set.join(', ')}.`, field });
}
