/**
 * A query compiled once and run with new values. Kysely builds and compiles every query anew, which costs more than
 * running a short statement; where a benchmark shows that on a hot path, the statement is compiled once here.
 */
import type { Compilable, CompiledQuery } from 'kysely';

const SLOT = '\u0000slot:';

/**
 * `build` is handed one placeholder per named value and must pass each on as a parameter, unchanged (not inside an
 * expression that would turn it into something else); the answer fills the placeholders for each run.
 */
export function precompile<V extends Record<string, string | number>>(names: readonly (keyof V & string)[], build: (slots: V) => Compilable<unknown>): (values: V) => CompiledQuery<unknown> {
  const slots = Object.fromEntries(names.map((name) => [name, `${SLOT}${name}`])) as unknown as V;
  const template = build(slots).compile();
  const slotOf = template.parameters.map((p) => (typeof p === 'string' && p.startsWith(SLOT) ? p.slice(SLOT.length) : undefined));
  const missing = names.filter((name) => !slotOf.includes(name));
  if (missing.length > 0) throw new Error(`precompiled query does not pass ${missing.join(', ')} as parameters`);
  return (values) => ({ ...template, parameters: template.parameters.map((p, i) => (slotOf[i] === undefined ? p : values[slotOf[i]!])) });
}
