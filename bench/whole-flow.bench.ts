/**
 * The whole flow under load: the bench offers sends to a gateway (processes of its own, started from
 * bin/switchboard.js), which sends them to a simulator (a process of its own) that reports each one sent, delivered
 * and read; the gateway tells a customer endpoint in the bench process each of the four events, signed. Offered load
 * goes up in steps (batch sends, then single sends on a fresh deployment) until a step is not sustained: every send
 * accepted, every message's four events at the endpoint within GRACE_S of the step's end, event lag p99 ≤ 3 s. At the
 * highest sustained step it reads each thread's CPU time in the gateway processes and their children.
 * On the batch deployment it then measures accept → read at 80 % of that rate, a resident-memory curve over a soak at
 * 80 % (first topology only), an overload step at 4 ×, and the bytes stored per message after a fill.
 * See docs/performance.md.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Benchmark, BenchFigure } from './bench.js';
import { postgresUnreachable } from './bench-database.js';
import { redisUnreachable } from './bench-redis.js';
import { percentile } from './bench-stats.js';
import type { CustomerEndpoint } from './customer-endpoint.js';
import { threadTimes, threadUsage, type ThreadTime } from './process-cpu.js';
import { SimulatorProcess } from './simulator-process.js';
import { CONFIGURED_CAPACITY, Deployment, TOPOLOGIES, type Topology } from './whole-flow-deployment.js';
import { BATCH_SIZE, offerLoad, type Offered, type SendMode } from './whole-flow-load.js';

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

const STEP_S = setting('BENCH_WHOLE_FLOW_STEP_S', 20);
const GRACE_S = setting('BENCH_WHOLE_FLOW_GRACE_S', 5);
const FILL = setting('BENCH_WHOLE_FLOW_FILL', 100_000);
const SOAK_S = setting('BENCH_WHOLE_FLOW_SOAK_S', 600);
const RATES = (process.env.BENCH_WHOLE_FLOW_RATES ?? '300,600,1000,1500,2000,3000,4000,6000,8000').split(',').map(Number);
const LAG_P99_MAX_MS = 3000;
const WARM_UP_S = 3;
const LIGHT_SHARE = 0.8;
const OVERLOAD_FACTOR = 4;
const RSS_EVERY_S = 30;
/** How long the backlog of a failed step, an overload or a fill may take to reach the endpoint before the bench goes on regardless. */
const DRAIN_MAX_S = 120;
/** The simulator reports `sent` at once, `delivered` after 5 ms and `read` after this. */
const READ_AFTER_MS = 10;
/** Threads below this share of a core are left out of the printout. */
const THREAD_SHOWN_PERCENT = 1;
const MIB = 1024 * 1024;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface CpuReading {
  readonly at: number;
  readonly gateways: ThreadTime[][];
  readonly simulator: ThreadTime[];
  readonly bench: NodeJS.CpuUsage;
}

function readCpu(d: Deployment, sim: SimulatorProcess): CpuReading {
  return { at: Date.now(), gateways: d.gateways.map((g) => threadTimes(g.child.pid!)), simulator: threadTimes(sim.pid), bench: process.cpuUsage() };
}


interface StepOutcome {
  readonly rate: number;
  readonly offered: Offered;
  readonly lagP99: number;
  /** Empty when sustained; else what failed. */
  readonly failure: string;
  readonly cpuFigures: (label: string) => BenchFigure[];
}

/** Per-thread CPU of the gateway processes (and their children), the simulator's and the bench's, between two readings. */
function cpuFigures(d: Deployment, before: CpuReading, after: CpuReading): (label: string) => BenchFigure[] {
  const seconds = (after.at - before.at) / 1000;
  const total = (usage: readonly { percent: number }[]) => usage.reduce((sum, t) => sum + t.percent, 0);
  return (label) => {
    const figures: BenchFigure[] = [];
    d.gateways.forEach((g, i) => {
      const role = d.topology.processes[i]!.SWITCHBOARD_ROLE ?? 'all';
      const usage = threadUsage(before.gateways[i]!, after.gateways[i]!, seconds);
      for (const t of usage.filter((u) => u.percent >= THREAD_SHOWN_PERCENT)) {
        const where = t.pid === g.child.pid ? `gateway (${role})` : `gateway (${role}) child pid ${t.pid} "${t.processName}"`;
        const thread = t.tid === t.pid ? 'main thread' : `thread "${t.threadName}" tid ${t.tid}`;
        figures.push({ name: `${label}: CPU ${where} ${thread}`, value: t.percent, unit: '% of a core' });
      }
      figures.push({ name: `${label}: CPU gateway (${role}) all threads and children`, value: total(usage), unit: '% of a core' });
    });
    const benchMicros = after.bench.user + after.bench.system - before.bench.user - before.bench.system;
    figures.push(
      { name: `${label}: CPU simulator process`, value: total(threadUsage(before.simulator, after.simulator, seconds)), unit: '% of a core' },
      { name: `${label}: CPU bench process (load, customer endpoint)`, value: (benchMicros / 1e6 / seconds) * 100, unit: '% of a core' },
    );
    return figures;
  };
}

/** How many of `accepted` have all four events at the endpoint by `deadline` (sooner when all have). */
async function completeBy(endpoint: CustomerEndpoint, accepted: ReadonlyMap<string, number>, deadline: number): Promise<number> {
  let pending = [...accepted.keys()];
  for (;;) {
    pending = pending.filter((id) => !endpoint.complete(id));
    if (pending.length === 0 || Date.now() >= deadline) return accepted.size - pending.length;
    await sleep(100);
  }
}

/** Waits (at most DRAIN_MAX_S) for a backlog to reach the endpoint, so that it is not charged to the phase after. */
function drain(d: Deployment, accepted: ReadonlyMap<string, number>): Promise<number> {
  return completeBy(d.endpoint, accepted, Date.now() + DRAIN_MAX_S * 1000);
}

function assertSignatures(endpoint: CustomerEndpoint): void {
  if (endpoint.badSignatures.length > 0) throw new Error(`whole-flow: customer webhook signatures did not verify:\n${endpoint.badSignatures.slice(0, 5).join('\n')}`);
}

function answersText(offered: Offered): string {
  return [...offered.answers].map(([kind, n]) => `${kind}: ${n}`).join(', ');
}

async function runStep(d: Deployment, sim: SimulatorProcess, mode: SendMode, rate: number, seconds: number): Promise<StepOutcome> {
  d.endpoint.resetLags();
  const before = readCpu(d, sim);
  const offered = await offerLoad(d.api, d.sender, mode, rate, seconds);
  const after = readCpu(d, sim);
  d.acceptedTotal += offered.accepted.size;
  const complete = await completeBy(d.endpoint, offered.accepted, offered.endedAt + GRACE_S * 1000);
  assertSignatures(d.endpoint);
  const lagP99 = percentile(d.endpoint.lags, 0.99);
  const refused = offered.offered - offered.accepted.size;
  const failure =
    refused > 0 ? `${refused} of ${offered.offered} not accepted (${answersText(offered)})`
    : complete < offered.accepted.size ? `${offered.accepted.size - complete} of ${offered.accepted.size} without all four events ${GRACE_S} s after the step (missing: ${d.endpoint.missing(offered.accepted.keys())})`
    : lagP99 > LAG_P99_MAX_MS ? `event lag p99 ${lagP99} ms > ${LAG_P99_MAX_MS} ms`
    : '';
  console.log(`  ${d.topology.key} ${mode} ${rate} msg/s: ${failure || 'sustained'} (event lag p99 ${lagP99} ms, accept p99 ${percentile(offered.acceptLatencies, 0.99)} ms)`);
  return { rate, offered, lagP99, failure, cpuFigures: cpuFigures(d, before, after) };
}

/**
 * Steps up through RATES until one is not sustained; the highest sustained step, if any, and the first that failed.
 * A short warm-up at the first rate comes before, so that the first step is not charged with a cold start (compiling
 * hot paths, opening connections).
 */
async function series(d: Deployment, sim: SimulatorProcess, mode: SendMode): Promise<{ best?: StepOutcome; failed?: StepOutcome }> {
  const warmUp = await offerLoad(d.api, d.sender, mode, RATES[0]!, WARM_UP_S);
  d.acceptedTotal += warmUp.accepted.size;
  await drain(d, warmUp.accepted);
  let best: StepOutcome | undefined;
  for (const rate of RATES) {
    const step = await runStep(d, sim, mode, rate, STEP_S);
    if (step.failure) {
      await drain(d, step.offered.accepted);
      return { ...(best ? { best } : {}), failed: step };
    }
    best = step;
  }
  return best ? { best } : {};
}

function seriesFigures(label: string, mode: SendMode, result: { best?: StepOutcome; failed?: StepOutcome }): BenchFigure[] {
  const next = result.failed ? `; ${result.failed.rate} msg/s failed: ${result.failed.failure}` : '; no step failed (raise BENCH_WHOLE_FLOW_RATES)';
  if (!result.best) return [{ name: `${label}: sustained whole-flow rate, ${mode} sends`, value: 0, unit: 'msg/s', note: `no step sustained${next}` }];
  const { best } = result;
  return [
    {
      name: `${label}: sustained whole-flow rate, ${mode} sends`, value: best.rate, unit: 'msg/s',
      note: `offered for ${STEP_S} s, ${CONFIGURED_CAPACITY}, webhooks on; all accepted, all four events within ${GRACE_S} s, event lag p99 ${best.lagP99} ms${next}`,
    },
    { name: `${label}: accept p99 at the sustained ${mode} step`, value: percentile(best.offered.acceptLatencies, 0.99), unit: 'ms', note: mode === 'batch' ? `per batch of ${BATCH_SIZE}` : 'per send' },
    ...best.cpuFigures(`${label}, ${mode} at ${best.rate} msg/s`),
  ];
}

/** Accept → `read` at the customer endpoint, at 80 % of the sustained batch rate. */
async function readLatency(d: Deployment, sim: SimulatorProcess, label: string, rate: number): Promise<BenchFigure[]> {
  const step = await runStep(d, sim, 'batch', rate, STEP_S);
  const latencies = [...step.offered.accepted].flatMap(([id, acceptedAt]) => {
    const readAt = d.endpoint.readAt(id);
    return readAt === undefined ? [] : [readAt - acceptedAt];
  });
  const note = `${rate} msg/s batch for ${STEP_S} s (80 % of sustained); ${latencies.length} of ${step.offered.accepted.size} read within ${GRACE_S} s`;
  return [
    { name: `${label}: accept → read p50 at 80 %`, value: percentile(latencies, 0.5), unit: 'ms', note },
    { name: `${label}: accept → read p99 at 80 %`, value: percentile(latencies, 0.99), unit: 'ms', note: `${note}; the simulator reports read ${READ_AFTER_MS} ms after the send` },
  ];
}

/** Resident memory of the gateway processes at start and every RSS_EVERY_S over SOAK_S at 80 %. */
async function soak(d: Deployment, label: string, rate: number): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [{ name: `${label}: gateway RSS at start`, value: d.startRss / MIB, unit: 'MiB', note: 'all gateway processes and their children, before any load' }];
  const accepted = new Map<string, number>();
  let lastEnd = Date.now();
  for (let elapsed = 0; elapsed < SOAK_S; elapsed += RSS_EVERY_S) {
    const seconds = Math.min(RSS_EVERY_S, SOAK_S - elapsed);
    const part = await offerLoad(d.api, d.sender, 'batch', rate, seconds);
    for (const [id, at] of part.accepted) accepted.set(id, at);
    lastEnd = part.endedAt;
    figures.push({ name: `${label}: gateway RSS after ${elapsed + seconds} s of soak`, value: d.rss() / MIB, unit: 'MiB', note: `${rate} msg/s batch` });
  }
  d.acceptedTotal += accepted.size;
  const complete = await completeBy(d.endpoint, accepted, lastEnd + GRACE_S * 1000);
  assertSignatures(d.endpoint);
  figures.push({ name: `${label}: soak messages with all four events`, value: complete / Math.max(1, accepted.size), unit: 'ratio', note: `of ${accepted.size}, ${GRACE_S} s after the soak` });
  await drain(d, accepted);
  return figures;
}

/** One step at 4 × the sustained batch rate: what the caller is told, how fast it is told, and what reaches the upstream. */
async function overload(d: Deployment, label: string, sustained: number): Promise<BenchFigure[]> {
  const rate = sustained * OVERLOAD_FACTOR;
  const offered = await offerLoad(d.api, d.sender, 'batch', rate, STEP_S);
  d.acceptedTotal += offered.accepted.size;
  const upstreamRate = (await d.upstream.between(offered.startedAt, offered.endedAt)) / STEP_S;
  const of = (kind: string) => offered.answers.get(kind) ?? 0;
  const other = offered.offered - of('202') - of('503 with Retry-After');
  const note = `${rate} msg/s batch offered for ${STEP_S} s; messages, in batches of ${BATCH_SIZE}`;
  const figures: BenchFigure[] = [
    { name: `${label}: overload ×${OVERLOAD_FACTOR}: accepted (202)`, value: of('202'), unit: 'messages', note },
    { name: `${label}: overload ×${OVERLOAD_FACTOR}: refused 503 with Retry-After`, value: of('503 with Retry-After'), unit: 'messages', note },
    { name: `${label}: overload ×${OVERLOAD_FACTOR}: other answers`, value: other, unit: 'messages', note: answersText(offered) },
    { name: `${label}: overload ×${OVERLOAD_FACTOR}: accept p99`, value: percentile(offered.acceptLatencies, 0.99), unit: 'ms', note: 'due → answered, per batch' },
    { name: `${label}: overload ×${OVERLOAD_FACTOR}: upstream rate`, value: upstreamRate, unit: 'msg/s', note: `sends the simulator received during the step; sustained ${sustained} msg/s` },
    { name: `${label}: overload ×${OVERLOAD_FACTOR}: upstream / sustained`, value: upstreamRate / sustained, unit: 'ratio', note: 'the goal: within 10 % of 1' },
  ];
  const complete = await drain(d, offered.accepted);
  console.log(`  ${d.topology.key} overload: ${complete} of ${offered.accepted.size} accepted reached all four events after the step`);
  return figures;
}

/** Tops the deployment up to FILL messages at the sustained rate, waits for their events, and divides the stored bytes. */
async function bytesPerMessage(d: Deployment, label: string, rate: number): Promise<BenchFigure[]> {
  const missing = FILL - d.acceptedTotal;
  let delivered = 'webhooks delivered';
  if (missing > 0) {
    const offered = await offerLoad(d.api, d.sender, 'batch', rate, Math.ceil(missing / rate));
    d.acceptedTotal += offered.accepted.size;
    const complete = await drain(d, offered.accepted);
    assertSignatures(d.endpoint);
    if (complete < offered.accepted.size) delivered = `${offered.accepted.size - complete} of the fill's messages still missing events after ${DRAIN_MAX_S} s`;
  }
  const bytes = await d.storedBytes();
  const what = d.topology.shared ? 'pg_total_relation_size of every table in the bench schema' : 'SQLite file + WAL + shared memory';
  return [{ name: `${label}: stored bytes per message`, value: bytes / d.acceptedTotal, unit: 'B', note: `${what}: ${(bytes / MIB).toFixed(1)} MiB / ${d.acceptedTotal} messages, four events each; ${delivered}` }];
}

async function withDeployment<T>(topology: Topology, sim: SimulatorProcess, work: (d: Deployment) => Promise<T>): Promise<T> {
  const d = await Deployment.start(topology, sim);
  try {
    return await work(d);
  } finally {
    await d.stop();
  }
}

async function measure(topology: Topology, sim: SimulatorProcess, withSoak: boolean): Promise<BenchFigure[]> {
  const label = topology.label.slice(0, topology.label.indexOf(')') + 1);
  console.log(`${topology.label}`);
  const figures: BenchFigure[] = [];
  // Batch first, with the phases that build on its sustained rate; single sends on a fresh deployment after.
  await withDeployment(topology, sim, async (d) => {
    const batch = await series(d, sim, 'batch');
    figures.push(...seriesFigures(label, 'batch', batch));
    if (!batch.best) return;
    const sustained = batch.best.rate;
    const light = Math.round(sustained * LIGHT_SHARE);
    figures.push(...(await readLatency(d, sim, label, light)));
    if (withSoak && SOAK_S > 0) figures.push(...(await soak(d, label, light)));
    figures.push(...(await overload(d, label, sustained)));
    figures.push(...(await bytesPerMessage(d, label, sustained)));
    figures.push({ name: `${label}: signatures verified (batch deployment)`, value: d.endpoint.verified, unit: 'posts', note: `1 post in 50 of ${d.endpoint.posts} checked; none failed` });
  });
  await withDeployment(topology, sim, async (d) => figures.push(...seriesFigures(label, 'single', await series(d, sim, 'single'))));
  return figures;
}

async function selectedTopologies(): Promise<Topology[]> {
  const compare = process.env.BENCH_WHOLE_FLOW_COMPARE === '1';
  const keys = (process.env.BENCH_WHOLE_FLOW_TOPOLOGIES ?? (compare ? 'a,a1,b,c' : 'a,b,c')).split(',');
  const wanted = TOPOLOGIES.filter((t) => keys.includes(t.key));
  if (!wanted.some((t) => t.shared)) return wanted;
  const unreachable = (await Promise.all([postgresUnreachable(), redisUnreachable()])).filter((why) => why !== undefined);
  if (unreachable.length === 0) return wanted;
  console.log(`skipping PostgreSQL + Redis topologies: ${unreachable.join('; ')}`);
  return wanted.filter((t) => !t.shared);
}

export const wholeFlowBenchmark: Benchmark = {
  name: 'whole-flow',
  async run() {
    const topologies = await selectedTopologies();
    // The cores are shared with whatever else runs: the load says how far the figures are this machine's best.
    const figures: BenchFigure[] = [{ name: 'load average (1 min) at start', value: loadavg()[0]!, unit: 'processes', note: `${availableParallelism()} cores` }];
    const sim = await SimulatorProcess.start({ readAfterMs: READ_AFTER_MS });
    try {
      // The soak runs on the first topology only: ten minutes on each would make the run too long.
      for (const [i, topology] of topologies.entries()) figures.push(...(await measure(topology, sim, i === 0)));
    } finally {
      await sim.stop();
    }
    return figures;
  },
};
