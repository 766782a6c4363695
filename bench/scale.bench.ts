/**
 * End-to-end scale: ten numbers configured at 1,000 msg/s each, fed over real sockets (the batch endpoint) by this
 * process, sent by gateway processes started from bin/switchboard.js to a simulator in a process of its own. One run
 * measures (a) SQLite, one process; (b) PostgreSQL + Redis, one process; (c) PostgreSQL + Redis, three processes, each
 * with role `all` and the load spread over them as a load balancer would. For each: the sustained rate with the
 * gateways saturated (a closed loop keeps at most WINDOW messages accepted but not yet at the upstream), the time from
 * accept to the simulator's receipt at a light fixed load, and the ratio of (b) and (c) to (a).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchFigure } from './bench.js';
import { postgresBenchDatabase, postgresUnreachable, type BenchDatabase } from './bench-database.js';
import { benchRedis, redisUnreachable, type BenchRedis } from './bench-redis.js';
import { createSender, feed, sendBatch, type Sender } from './bench-sender.js';
import { percentile } from './bench-stats.js';
import { GatewayApi, spawnGateway, type GatewayProcess } from './gateway-process.js';
import { SimulatorProcess } from './simulator-process.js';

const NUMBERS = 10;
const NUMBER_MPS = 1000;
/** The fixed load of the latency phase: one every configuration sustains, so their latencies compare. */
const LIGHT_RATE = 300;
const LIGHT_S = 3;
const SATURATE_S = Number(process.env.BENCH_SCALE_SECONDS ?? 12);
/** The first seconds of the saturated phase fill the pipeline; the sustained rate is counted after them. */
const WARMUP_S = 3;
/** Messages accepted but not yet at the upstream that the closed loop allows: enough to keep every number busy. */
const WINDOW = 2000;
const BATCH = 100;
const FEEDERS = 4;
const DRAIN_MAX_MS = 3000;
const SECRET_KEY = 'bench-secret-key-0123456789abcdef';

interface Topology {
  readonly label: string;
  readonly shared: boolean;
  readonly processes: number;
}

const TOPOLOGIES: readonly Topology[] = [
  { label: '(a) SQLite, one process', shared: false, processes: 1 },
  { label: '(b) PostgreSQL + Redis, one process', shared: true, processes: 1 },
  { label: '(c) PostgreSQL + Redis, three processes (role all)', shared: true, processes: 3 },
];

/** Every send seen at the simulator, by message id (the first arrival counts). */
export class Arrivals {
  private readonly at = new Map<string, number>();
  count = 0;

  async poll(sim: SimulatorProcess): Promise<void> {
    for (const [at, id] of await sim.collect()) {
      if (this.at.has(id)) continue;
      this.at.set(id, at);
      this.count += 1;
    }
  }

  async waitFor(sim: SimulatorProcess, accepted: ReadonlyMap<string, number>, maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      await this.poll(sim);
      if (this.reached(accepted).length === accepted.size || Date.now() >= deadline) return;
      await sleep(100);
    }
  }

  /** Accept → upstream time of each accepted message that reached the simulator. */
  reached(accepted: ReadonlyMap<string, number>): number[] {
    const latencies: number[] = [];
    for (const [id, acceptedAt] of accepted) {
      const at = this.at.get(id);
      if (at !== undefined) latencies.push(at - acceptedAt);
    }
    return latencies;
  }

  /** How many of the accepted messages reached the simulator from `from` until `to`. */
  between(accepted: ReadonlyMap<string, number>, from: number, to: number): number {
    let n = 0;
    for (const id of accepted.keys()) {
      const at = this.at.get(id);
      if (at !== undefined && at >= from && at < to) n++;
    }
    return n;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Closed loop: FEEDERS send batches, taking turns over the gateways, while fewer than WINDOW messages are on their way. */
export async function saturate(apis: readonly GatewayApi[], sender: Sender, sim: SimulatorProcess, arrivals: Arrivals): Promise<{ accepted: Map<string, number>; sustained: number }> {
  const accepted = new Map<string, number>();
  const startedAt = Date.now();
  const stopAt = startedAt + SATURATE_S * 1000;
  const arrivedBefore = arrivals.count;
  let inFlight = 0;
  let turn = 0;
  const poller = (async () => {
    while (Date.now() < stopAt) {
      await arrivals.poll(sim);
      await sleep(100);
    }
  })();
  const feeder = async () => {
    while (Date.now() < stopAt) {
      if (inFlight + accepted.size - (arrivals.count - arrivedBefore) + BATCH > WINDOW) {
        await sleep(10);
        continue;
      }
      inFlight += BATCH;
      await sendBatch(apis[turn++ % apis.length]!, sender, BATCH, accepted).finally(() => (inFlight -= BATCH));
    }
  };
  await Promise.all([poller, ...Array.from({ length: FEEDERS }, feeder)]);
  await arrivals.waitFor(sim, accepted, DRAIN_MAX_MS);
  const from = startedAt + WARMUP_S * 1000;
  return { accepted, sustained: arrivals.between(accepted, from, stopAt) / ((stopAt - from) / 1000) };
}

interface Measured {
  readonly sustained: number;
  readonly figures: BenchFigure[];
}

async function startGateways(topology: Topology, sim: SimulatorProcess, database: BenchDatabase | undefined, redis: BenchRedis | undefined, dataDirs: string[]): Promise<GatewayProcess[]> {
  const env: Record<string, string> = {
    SWITCHBOARD_ROLE: 'all',
    ...(database?.url === undefined ? {} : { DATABASE_URL: database.url, SWITCHBOARD_SECRET_KEY: SECRET_KEY }),
    ...(redis === undefined ? {} : { REDIS_URL: redis.url, SWITCHBOARD_REDIS_PREFIX: redis.prefix }),
  };
  const spawnOne = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-scale-'));
    dataDirs.push(dataDir);
    return spawnGateway(dataDir, sim.url, env);
  };
  // The first process migrates the fresh schema and creates the admin key; the others start on what it made.
  const first = await spawnOne();
  const others = await Promise.allSettled(Array.from({ length: topology.processes - 1 }, spawnOne));
  const started = [first, ...others.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))];
  const failed = others.find((o) => o.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((g) => g.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return started;
}

async function measure(topology: Topology, sim: SimulatorProcess): Promise<Measured> {
  const began = Date.now();
  const database = topology.shared ? postgresBenchDatabase() : undefined;
  const redis = topology.shared ? benchRedis() : undefined;
  const dataDirs: string[] = [];
  let gateways: GatewayProcess[] = [];
  let apis: GatewayApi[] = [];
  try {
    gateways = await startGateways(topology, sim, database, redis, dataDirs);
    apis = gateways.map((g) => new GatewayApi(g.url));
    // Meta's webhooks go to the first process: the simulator has one callback URL, as a Meta app has.
    await sim.setWebhook(gateways[0]!.url);
    const sender = await createSender(apis[0]!, sim, NUMBER_MPS, NUMBERS);
    const arrivals = new Arrivals();

    const light = await feed(apis, sender, LIGHT_RATE, LIGHT_S);
    await arrivals.waitFor(sim, light, DRAIN_MAX_MS);
    const latencies = arrivals.reached(light);
    const heavy = await saturate(apis, sender, sim, arrivals);
    const name = topology.label;
    return {
      sustained: heavy.sustained,
      figures: [
        { name: `${name}: sustained`, value: heavy.sustained, unit: 'msg/s', note: `${NUMBERS} numbers × ${NUMBER_MPS.toLocaleString('en')} msg/s configured, ≤ ${WINDOW} in flight, over ${SATURATE_S - WARMUP_S} s` },
        { name: `${name}: accept → upstream p50`, value: percentile([...latencies], 0.5), unit: 'ms', note: `${LIGHT_RATE} msg/s offered` },
        { name: `${name}: accept → upstream p99`, value: percentile(latencies, 0.99), unit: 'ms', note: `${LIGHT_RATE} msg/s offered` },
        { name: `${name}: wall time`, value: (Date.now() - began) / 1000, unit: 's', note: 'start-up and set-up included, clean-up not' },
        { name: `${name}: reached upstream / accepted`, value: (arrivals.reached(heavy.accepted).length + arrivals.reached(light).length) / (heavy.accepted.size + light.size), unit: 'ratio', note: `of ${heavy.accepted.size + light.size} accepted, by ≤ ${DRAIN_MAX_MS / 1000} s after the load stopped` },
      ],
    };
  } finally {
    await Promise.all(apis.map((a) => a.close()));
    if (gateways.length > 0) await sim.flushWebhooks(DRAIN_MAX_MS).catch(() => {});
    await Promise.all(gateways.map((g) => g.stop()));
    await database?.drop();
    await redis?.clear();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  async run() {
    const unreachable = (await Promise.all([postgresUnreachable(), redisUnreachable()])).filter((why) => why !== undefined);
    if (unreachable.length > 0) console.log(`measuring (a) only: ${unreachable.join('; ')}`);
    const topologies = unreachable.length > 0 ? TOPOLOGIES.filter((t) => !t.shared) : TOPOLOGIES;
    // The cores are shared with whatever else runs: the load says how far the figures are this machine's best.
    const figures: BenchFigure[] = [{ name: 'load average (1 min) at start', value: loadavg()[0]!, unit: 'processes', note: `${availableParallelism()} cores` }];
    const sustained: number[] = [];
    // One simulator serves every configuration (each registers a business of its own), so each starts only its gateways.
    const sim = await SimulatorProcess.start();
    try {
      for (const topology of topologies) {
        const measured = await measure(topology, sim);
        figures.push(...measured.figures);
        sustained.push(measured.sustained);
      }
    } finally {
      await sim.stop();
    }
    const [single, ...shared] = sustained;
    shared.forEach((rate, i) => {
      const label = topologies[i + 1]!.label.slice(0, 3);
      figures.push({ name: `${label} / (a) sustained`, value: rate / (single ?? 1), unit: 'ratio' });
    });
    return figures;
  },
};
