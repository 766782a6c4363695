/**
 * A query compiled once and run again with new values. Kysely builds and compiles a query each time it runs: on the
 * accept path that was most of an insert's cost (SQLite, one message row: 44 µs through the builder, 17 µs compiled
 * once, 7.5 µs for the bare prepared statement), paid for every row of every group. Only the values change, so the
 * query is compiled with a marker in each value's place and the markers are swapped for values when it runs.
 */
import type { Compilable, CompiledQuery } from 'kysely';

const MARK = '\u0000precompiled:';

/**
 * `build` receives a marker per name, typed to fit any column; every marker must reach the query as a bound value
 * (not inside a JSON text or an expression), which the check below enforces.
 */
export function precompile<K extends string>(names: readonly K[], build: (values: Record<K, never>) => Compilable): (values: Record<K, unknown>) => CompiledQuery {
  const markers = Object.fromEntries(names.map((name) => [name, `${MARK}${name}`])) as Record<K, never>;
  const compiled = build(markers).compile();
  /** Per parameter: the name whose value goes there, or the constant the query was built with. */
  const slots = compiled.parameters.map((p): { name: K } | { constant: unknown } =>
    typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) as K } : { constant: p });
  const placed = new Set(slots.flatMap((s) => ('name' in s ? [s.name] : [])));
  const lost = names.filter((name) => !placed.has(name));
  if (lost.length > 0) throw new Error(`precompiled query lost the values ${lost.join(', ')}`);
  return (values) => ({ ...compiled, parameters: slots.map((s) => ('name' in s ? values[s.name] : s.constant)) });
}
