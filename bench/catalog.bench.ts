/** Catalog lookups on the hot path: normalising an upstream failure, measured against a bare Map lookup. */
import type { Benchmark } from './bench.js';
import { CATALOG, findEntry } from '../src/catalog/catalog.js';

function opsPerSecond(iterations: number, body: (i: number) => unknown): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body(i);
  return iterations / (Number(process.hrtime.bigint() - started) / 1e9);
}

export const catalogBenchmark: Benchmark = {
  name: 'catalog',
  async run() {
    const codes = CATALOG.map((e) => e.code);
    const bare = new Map(CATALOG.map((e) => [`${e.namespace}:${e.code}`, e]));
    const n = 2_000_000;
    const baseline = opsPerSecond(n, (i) => bare.get(`meta:${codes[i % codes.length]}`));
    const lookup = opsPerSecond(n, (i) => findEntry('meta', codes[i % codes.length] ?? 0));
    return [
      { name: 'findEntry lookups', value: lookup, unit: 'ops/s' },
      { name: 'findEntry / bare Map', value: lookup / baseline, unit: 'ratio', note: 'same run' },
    ];
  },
};
