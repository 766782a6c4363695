/** `{success:false, error:"…"}` answers (WaConnect-style gateways), matched to the entry that bears the same name. */
import type { CatalogEntry } from '../entry.js';
import { CATALOG, gatewayEntry } from '../catalog.js';
import type { JsonObject, Reading } from './reading.js';

function namesOf(entry: CatalogEntry): string[] {
  return [entry.title, ...entry.aliases.map((alias) => alias.label)].map((name) => name.trim().toLowerCase());
}

/**
 * Gateway entries first, because these texts are a gateway's own words; then the catalog in its order (Meta first)
 * for the Meta errors such gateways pass through under their own wording. The first entry to claim a name keeps it.
 */
function buildNameIndex(): ReadonlyMap<string, CatalogEntry> {
  const ordered = [...CATALOG.filter((e) => e.namespace === 'gateway'), ...CATALOG.filter((e) => e.namespace !== 'gateway')];
  const index = new Map<string, CatalogEntry>();
  for (const entry of ordered.filter((e) => e.success !== true)) {
    for (const name of namesOf(entry)) if (!index.has(name)) index.set(name, entry);
  }
  return index;
}

const NAME_INDEX = buildNameIndex();

export function entryNamed(text: string): CatalogEntry | undefined {
  return NAME_INDEX.get(text.trim().toLowerCase());
}

/**
 * An upstream gateway's complaint about its caller is, seen from Switchboard, about our number's credential or pace
 * or about the upstream itself: re-read those so that our client is never told to replace its own key.
 */
function asSeenFromUs(entry: CatalogEntry | undefined): CatalogEntry | undefined {
  if (entry?.namespace !== 'gateway') return entry;
  if (entry.retry.class === 'reauth') return gatewayEntry('upstream_unauthorized');
  if (entry.code === 'rate_limited') return gatewayEntry('upstream_throttled');
  if (entry.code === 'internal_error') return gatewayEntry('upstream_error');
  return entry;
}

export function readPlatformError(body: JsonObject): Reading | undefined {
  if (body.success !== false || typeof body.error !== 'string') return undefined;
  return { entry: asSeenFromUs(entryNamed(body.error)), detail: body.error, upstream: { message: body.error, payload: body } };
}
