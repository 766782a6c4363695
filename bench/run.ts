/** `npm run bench`: runs every benchmark (or those named on the command line) and prints their figures. */
import type { Benchmark } from './bench.js';
import { acceptBenchmark } from './accept.bench.js';
import { dispatchBenchmark } from './dispatch.bench.js';
import { overloadBenchmark } from './overload.bench.js';
import { retentionBenchmark } from './retention.bench.js';
import { rowSizeBenchmark } from './row-size.bench.js';
import { rssBenchmark } from './rss.bench.js';
import { scaleBenchmark } from './scale.bench.js';
import { simulatorBenchmark } from './simulator.bench.js';
import { smsBenchmark } from './sms.bench.js';
import { webhooksBenchmark } from './webhooks.bench.js';
import { wholeFlowBenchmark } from './whole-flow.bench.js';

const BENCHMARKS: readonly Benchmark[] = [
  simulatorBenchmark, acceptBenchmark, dispatchBenchmark, webhooksBenchmark, retentionBenchmark, rowSizeBenchmark, rssBenchmark, scaleBenchmark, smsBenchmark,
  overloadBenchmark, wholeFlowBenchmark,
];

const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => wanted.includes(b.name));
const results: Record<string, unknown> = { engine: process.env.BENCH_ENGINE === 'postgres' ? 'postgres' : 'sqlite' };
console.log(`store engine: ${String(results.engine)} (BENCH_ENGINE=postgres for PostgreSQL)`);
for (const benchmark of selected) {
  console.log(`\n## ${benchmark.name}`);
  const figures = await benchmark.run();
  for (const f of figures) console.log(`${f.name}: ${Number(f.value.toFixed(3))} ${f.unit}${f.note ? `  (${f.note})` : ''}`);
  results[benchmark.name] = figures;
}
if (process.env.BENCH_JSON) console.log(JSON.stringify(results));
