/** `{success:false, error:"…"}` answers (WaConnect-style gateways), matched to the entry that bears the same name. */
import type { CatalogEntry } from '../entry.js';
import { CATALOG } from '../catalog.js';
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

let nameIndex: ReadonlyMap<string, CatalogEntry> | undefined;

export function entryNamed(text: string): CatalogEntry | undefined {
  nameIndex ??= buildNameIndex();
  return nameIndex.get(text.trim().toLowerCase());
}

export function readPlatformError(body: JsonObject): Reading | undefined {
  if (body.success !== false || typeof body.error !== 'string') return undefined;
  return { entry: entryNamed(body.error), detail: body.error, upstream: { message: body.error, payload: body } };
}
