/**
 * Queries compiled once and run with fresh values. Kysely builds and compiles a query anew on every call, and on the
 * webhook worker's hot path (claim, load, settle: `npm run bench -- webhooks`) that cost more than SQLite took to run
 * the statements. A precompiled query keeps its SQL text, so SQLite's prepared statement stays cached as well.
 * Lists (ids to match, rows to insert) take few shapes: runs whose lengths are powers of two, each compiled once.
 */
import type { Compilable, CompiledQuery } from 'kysely';

/** Marks where a value goes in the query being compiled; answers a stand-in of the value's type. */
export type Slot<V> = <T>(pick: (values: V) => T) => T;

export function precompile<V, R>(build: (slot: Slot<V>) => Compilable<R>): (values: V) => CompiledQuery<R> {
  const picks: ((values: V) => unknown)[] = [];
  const marker = `\u0000slot:${Math.random()}:`;
  const compiled = build(<T>(pick: (values: V) => T) => `${marker}${picks.push(pick) - 1}` as T).compile();
  const binders = compiled.parameters.map((p) =>
    typeof p === 'string' && p.startsWith(marker) ? picks[Number(p.slice(marker.length))]! : () => p);
  return (values) => ({ ...compiled, parameters: binders.map((bind) => bind(values)) });
}

/** One precompiled variant per list length, compiled when first asked for. */
export function perLength<V, R>(build: (length: number) => (values: V) => CompiledQuery<R>): (length: number) => (values: V) => CompiledQuery<R> {
  const variants = new Map<number, (values: V) => CompiledQuery<R>>();
  return (length) => {
    let variant = variants.get(length);
    if (!variant) variants.set(length, (variant = build(length)));
    return variant;
  };
}

/** The longest run: far below both engines' limits on bound parameters (32,766 and 65,535) at 12 columns a row. */
const LONGEST_RUN = 1024;

/** `items` in runs whose lengths are powers of two, longest first (13 → 8, 4, 1): rows to insert, each once. */
export function powerOfTwoRuns<T>(items: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (let at = 0; at < items.length;) {
    const length = Math.min(LONGEST_RUN, 2 ** Math.floor(Math.log2(items.length - at)));
    runs.push(items.slice(at, at + length));
    at += length;
  }
  return runs;
}

/** Ids to match in runs of at most the longest, each padded to a power of two by repeating its last id (a repeat matches nothing more). */
export function paddedIdRuns(ids: readonly string[]): string[][] {
  const runs: string[][] = [];
  for (let at = 0; at < ids.length; at += LONGEST_RUN) {
    const run = ids.slice(at, at + LONGEST_RUN);
    const padded = 2 ** Math.ceil(Math.log2(run.length));
    runs.push([...run, ...Array<string>(padded - run.length).fill(run.at(-1)!)]);
  }
  return runs;
}

/** `count` slots, one per position of the list `list` picks: the ids of an IN list. */
export function eachSlot<V, T>(slot: Slot<V>, count: number, list: (values: V) => readonly T[]): T[] {
  return Array.from({ length: count }, (_, i) => slot((values) => list(values)[i]!));
}

type Columns<Item> = Record<string, (item: Item) => unknown>;

/** `count` rows of slots, one slot per column of each row: the values of a multi-row insert of a list. */
export function rowSlots<Item, C extends Columns<Item>>(slot: Slot<readonly Item[]>, count: number, columns: C): { [K in keyof C]: ReturnType<C[K]> }[] {
  return Array.from({ length: count }, (_, i) =>
    Object.fromEntries(Object.entries(columns).map(([column, pick]) => [column, slot((values) => pick(values[i]!))])) as { [K in keyof C]: ReturnType<C[K]> });
}

/**
 * `precompile` for a query whose values arrive as one object of named values: `build` gets one stand-in per name
 * (typed to fit any column) and `values[name]` goes wherever `slots[name]` was put.
 */
export function precompileNamed<K extends string>(names: readonly K[], build: (slots: Record<K, never>) => Compilable<unknown>): (values: Readonly<Record<K, unknown>>) => CompiledQuery<unknown> {
  return precompile<Readonly<Record<K, unknown>>, unknown>((slot) =>
    build(Object.fromEntries(names.map((name) => [name, slot((values) => values[name])])) as Record<K, never>));
}
