/** The catalog: every entry in one list, and the lookups that the API, dispatcher, simulator and CLI share. */
import type { CatalogEntry, Namespace } from './entry.js';
import { NAMESPACES } from './entry.js';
import { GATEWAY_ENTRIES, type GatewayCode } from './entries/gateway.js';
import { META_ENTRIES } from './entries/meta.js';
import { ONPREM_ENTRIES } from './entries/onprem.js';
import { SMS_ENTRIES } from './entries/sms.js';

/** Meta first: when a number means something in several namespaces, Meta's reading leads. */
export const CATALOG: readonly CatalogEntry[] = [...META_ENTRIES, ...ONPREM_ENTRIES, ...GATEWAY_ENTRIES, ...SMS_ENTRIES];

const byKey = new Map<string, CatalogEntry>(CATALOG.map((e) => [key(e.namespace, e.code), e]));

function key(namespace: Namespace, code: number | string): string {
  return `${namespace}:${String(code)}`;
}

export function findEntry(namespace: Namespace, code: number | string): CatalogEntry | undefined {
  return byKey.get(key(namespace, code));
}

/** For codes the program itself names: a missing one is a bug, so it throws at once. */
export function requireEntry(namespace: Namespace, code: number | string): CatalogEntry {
  const entry = findEntry(namespace, code);
  if (!entry) throw new Error(`catalog has no entry ${key(namespace, code)}`);
  return entry;
}

export function gatewayEntry(code: GatewayCode): CatalogEntry {
  return requireEntry('gateway', code);
}

export function metaEntry(code: number): CatalogEntry | undefined {
  return findEntry('meta', code);
}

/**
 * The HTTP status the Cloud-API-compatible surface answers an entry with: Meta's status for the Graph code the body
 * carries (Graph answers 131047 with 400, where our own `outside_service_window` is a 422), else the entry's own.
 */
export function graphHttpStatus(entry: CatalogEntry): number {
  return metaEntry(entry.graphCode)?.httpStatus ?? entry.httpStatus;
}

function namespaceRank(entry: CatalogEntry): number {
  return NAMESPACES.indexOf(entry.namespace);
}

function normalizeQuery(query: string): string {
  return query.trim().toLowerCase().replace(/^#/, '');
}

function unique(entries: readonly CatalogEntry[]): CatalogEntry[] {
  const seen = new Set<CatalogEntry>();
  return entries.filter((e) => (seen.has(e) ? false : (seen.add(e), true)));
}

/**
 * Entries a code names, in every namespace: their own code (Meta's first), then entries providers give that code,
 * then entries the Cloud-API-compatible surface answers with that Graph code.
 */
export function findByCode(code: string): CatalogEntry[] {
  const q = normalizeQuery(code);
  if (q === '') return [];
  const byOwnCode = CATALOG.filter((e) => String(e.code).toLowerCase() === q);
  const byAliasCode = CATALOG.filter((e) => e.aliases.some((a) => a.code?.toLowerCase() === q));
  const byGraphCode = CATALOG.filter((e) => e.namespace !== 'meta' && String(e.graphCode) === q);
  return unique([...byOwnCode.sort((a, b) => namespaceRank(a) - namespaceRank(b)), ...byAliasCode, ...byGraphCode]);
}

/**
 * Finds what a user means by a code or a phrase (the CLI's `explain` and `GET /v1/errors/{code}`): the entries
 * `findByCode` finds, then titles and alias labels, case-insensitively.
 */
export function explain(query: string): CatalogEntry[] {
  const q = normalizeQuery(query);
  if (q === '') return [];
  const exactText = CATALOG.filter(
    (e) => e.title.toLowerCase() === q || e.aliases.some((a) => a.label.toLowerCase() === q),
  );
  const partialText =
    /^\d+$/.test(q)
      ? []
      : CATALOG.filter(
          (e) =>
            e.title.toLowerCase().includes(q) ||
            String(e.code).toLowerCase().includes(q.replaceAll(' ', '_')) ||
            e.aliases.some((a) => a.label.toLowerCase().includes(q)),
        );
  return unique([...findByCode(q), ...exactText, ...partialText]);
}
