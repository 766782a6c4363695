import { describe, expect, it } from 'vitest';
import { CATALOG, explain, findEntry } from './catalog.js';
import { ALIAS_SOURCES, ARRIVALS, NAMESPACES, RETRY_CLASSES, type CatalogEntry } from './entry.js';
import { hasShared, readSeedRows, type SeedRow } from '../../test/helpers/shared.js';

function aliasMatches(entry: CatalogEntry, row: SeedRow): boolean {
  return entry.aliases.some(
    (a) => a.source === row.source && a.kind === row.kind && (a.code ?? '') === row.code && a.label === row.label,
  );
}

describe('catalog structure', () => {
  it('has one entry per namespace and code', () => {
    const keys = CATALOG.map((e) => `${e.namespace}:${e.code}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it.each(CATALOG.map((e) => [`${e.namespace}:${e.code}`, e] as const))('%s is complete and well-typed', (_, e) => {
    expect(NAMESPACES).toContain(e.namespace);
    expect(RETRY_CLASSES).toContain(e.retry.class);
    expect(e.title.trim()).not.toBe('');
    expect(e.meaning.trim()).not.toBe('');
    expect(e.action.trim()).not.toBe('');
    expect(e.httpStatus).toBeGreaterThanOrEqual(200);
    expect(e.httpStatus).toBeLessThan(600);
    expect(Number.isInteger(e.graphCode)).toBe(true);
    if (e.namespace === 'gateway') expect(e.code).toMatch(/^[a-z][a-z0-9_]*$/);
    else expect(typeof e.code).toBe('number');
    for (const alias of e.aliases) expect(ALIAS_SOURCES).toContain(alias.source);
    if (e.arrives !== undefined) expect(ARRIVALS).toContain(e.arrives);
    if (e.namespace === 'meta') expect(e.arrives).toBeDefined();
  });

  it('gives every docs slug once', () => {
    const slugs = CATALOG.map((e) => e.docs);
    expect(new Set(slugs).size).toBe(slugs.length);
  });
});

describe.skipIf(!hasShared('seed-errors.tsv'))('seed coverage (needs ../shared/seed-errors.tsv)', () => {
  const rows = hasShared('seed-errors.tsv') ? readSeedRows() : [];

  it('reads all 150 seed rows', () => {
    expect(rows).toHaveLength(150);
  });

  it('maps every seed row to exactly one entry', () => {
    const unmapped = rows.filter((row) => CATALOG.filter((e) => aliasMatches(e, row)).length !== 1);
    expect(unmapped.map((r) => `${r.source}/${r.kind}/${r.code}/${r.label}`)).toEqual([]);
  });

  it('has no alias that names a row the seeds do not have', () => {
    const stray = CATALOG.flatMap((e) =>
      e.aliases
        .filter((a) => !rows.some((r) => r.source === a.source && r.kind === a.kind && r.code === (a.code ?? '') && r.label === a.label))
        .map((a) => `${e.namespace}:${e.code} ← ${a.source}/${a.kind}/${a.code ?? ''}/${a.label}`),
    );
    expect(stray).toEqual([]);
  });
});

describe('explain', () => {
  it('finds an entry by its own code', () => {
    expect(explain('131047')[0]).toBe(findEntry('meta', 131047));
  });

  it('lists every namespace where a number means something, Meta first', () => {
    const hits = explain('2');
    expect(hits[0]?.namespace).toBe('meta');
    expect(new Set(hits.filter((e) => String(e.code) === '2').map((e) => e.namespace)).size).toBeGreaterThan(1);
  });

  it('matches titles and aliases case-insensitively', () => {
    expect(explain('outside SERVICE window')[0]?.code).toBe('outside_service_window');
    expect(explain('no valid whatsapp session found')[0]?.code).toBe('outside_service_window');
  });

  it('returns nothing for a query that matches nothing', () => {
    expect(explain('no such error anywhere 987654')).toEqual([]);
  });
});
