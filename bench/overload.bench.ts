/**
 * Back-pressure under overload: one SQLite gateway process (bin/switchboard.js; default bounds unless
 * BENCH_OVERLOAD_MAX_DUE says otherwise) and the simulator in a process of its own, ten numbers at 1,000 msg/s each so
 * the gateway is the bottleneck. First the sustained rate is measured as the scale benchmark measures it (a closed
 * loop); then four times that rate is offered open-loop (batches
 * every 100 ms whatever the answers) and the benchmark reports what was refused (503 gateway_overloaded with a retry
 * hint), how fast sends were answered, and the upstream rate against the sustained one. Targets: accept p99 < 1 s
 * once back-pressure holds (from the first refusal on), upstream rate ≥ 0.9 × sustained.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Benchmark, BenchFigure } from './bench.js';
import { createSender, type Sender } from './bench-sender.js';
import { percentile } from './bench-stats.js';
import { GatewayApi, spawnGateway } from './gateway-process.js';
import { Arrivals, saturate } from './scale.bench.js';
import { SimulatorProcess } from './simulator-process.js';

const NUMBERS = 10;
const NUMBER_MPS = 1000;
const OVERLOAD_FACTOR = 4;
const OVERLOAD_S = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 30);
/** The due-messages bound of the gateway; unset = its default. A smaller one fills sooner, leaving more of the run held. */
const MAX_DUE = process.env.BENCH_OVERLOAD_MAX_DUE;
const BATCH = 100;
const TICK_MS = 100;

interface Answer {
  readonly sentAt: number;
  readonly ms: number;
  readonly status: number;
  readonly retryHint: boolean;
}

let recipient = 0;
function batchOf(sender: Sender, size: number) {
  return Array.from({ length: size }, () => {
    recipient += 1;
    return { to: `4916${String(50_000_000 + recipient)}`, type: 'template', template: { name: 'hello_world', language: 'en_US' }, from: sender.numbers[recipient % sender.numbers.length] };
  });
}

/** Offers `perSecond` messages open-loop for OVERLOAD_S: each tick's batches leave on time, answered or not. */
async function offer(api: GatewayApi, sender: Sender, perSecond: number): Promise<{ answers: Answer[]; accepted: Map<string, number>; startedAt: number; stoppedAt: number }> {
  const answers: Answer[] = [];
  const accepted = new Map<string, number>();
  const perTick = Math.round((perSecond * TICK_MS) / 1000);
  const startedAt = Date.now();
  const pending: Promise<void>[] = [];
  const post = async (size: number) => {
    const sentAt = Date.now();
    const res = await api.call(sender.key, 'POST', '/v1/messages/batch', { messages: batchOf(sender, size) });
    const at = Date.now();
    answers.push({ sentAt, ms: at - sentAt, status: res.status, retryHint: typeof res.body.retry_after === 'number' });
    for (const r of (res.body.results as { id?: string }[] | undefined) ?? []) if (r.id) accepted.set(r.id, at);
  };
  for (let tick = 0; tick < (OVERLOAD_S * 1000) / TICK_MS; tick++) {
    for (let left = perTick; left > 0; left -= BATCH) pending.push(post(Math.min(BATCH, left)));
    await sleep(Math.max(0, startedAt + (tick + 1) * TICK_MS - Date.now()));
  }
  const stoppedAt = Date.now();
  await Promise.all(pending);
  return { answers, accepted, startedAt, stoppedAt };
}

export const overloadBenchmark: Benchmark = {
  name: 'overload',
  async run() {
    const figures: BenchFigure[] = [{ name: 'load average (1 min) at start', value: loadavg()[0]!, unit: 'processes', note: `${availableParallelism()} cores` }];
    const sim = await SimulatorProcess.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-overload-'));
    const gateway = await spawnGateway(dataDir, sim.url, MAX_DUE === undefined ? {} : { SWITCHBOARD_MAX_DUE_MESSAGES: MAX_DUE });
    const api = new GatewayApi(gateway.url);
    try {
      await sim.setWebhook(gateway.url);
      const sender = await createSender(api, sim, NUMBER_MPS, NUMBERS);
      const arrivals = new Arrivals();
      const closedLoop = await saturate([api], sender, sim, arrivals);
      const { sustained } = closedLoop;
      const offered = sustained * OVERLOAD_FACTOR;

      const polling = { on: true };
      const poller = (async () => {
        while (polling.on) {
          await arrivals.poll(sim);
          await sleep(100);
        }
      })();
      const run = await offer(api, sender, offered);
      polling.on = false;
      await poller;
      await arrivals.poll(sim);

      const refused = run.answers.filter((a) => a.status === 503);
      // With no refusal (BENCH_OVERLOAD_MAX_DUE=0 shows the gateway without back-pressure) the whole run counts.
      const heldFrom = refused.length === 0 ? run.startedAt : Math.min(...refused.map((a) => a.sentAt));
      const held = run.answers.filter((a) => a.sentAt >= heldFrom);
      const seconds = (run.stoppedAt - run.startedAt) / 1000;
      // Upstream over the part of the run where back-pressure held: every accepted message that reached the simulator then.
      const heldSeconds = (run.stoppedAt - heldFrom) / 1000;
      const everyAccepted = new Map([...closedLoop.accepted, ...run.accepted]);
      const upstream = arrivals.between(everyAccepted, heldFrom, run.stoppedAt) / heldSeconds;
      figures.push(
        { name: 'sustained (closed loop)', value: sustained, unit: 'msg/s', note: 'the baseline, measured first in this run' },
        { name: 'offered', value: offered, unit: 'msg/s', note: `${OVERLOAD_FACTOR}× sustained, open loop, batches of ≤ ${BATCH}, for ${OVERLOAD_S} s` },
        { name: 'accepted', value: run.accepted.size / seconds, unit: 'msg/s' },
        { name: 'requests refused 503', value: refused.length / run.answers.length, unit: 'ratio', note: `of ${run.answers.length} batch requests` },
        { name: '503s with a retry hint', value: refused.length === 0 ? 0 : refused.filter((a) => a.retryHint).length / refused.length, unit: 'ratio', note: 'target 1' },
        { name: 'first refusal after', value: (heldFrom - run.startedAt) / 1000, unit: 's', note: `the time the bound (${MAX_DUE ?? 'default'}) took to fill` },
        { name: 'accept p50, all requests', value: percentile(run.answers.map((a) => a.ms), 0.5), unit: 'ms' },
        { name: 'accept p99, all requests', value: percentile(run.answers.map((a) => a.ms), 0.99), unit: 'ms', note: 'includes the fill before the first refusal' },
        { name: 'accept p99 from the first refusal on', value: percentile(held.map((a) => a.ms), 0.99), unit: 'ms', note: 'target < 1000' },
        { name: 'upstream from the first refusal on', value: upstream, unit: 'msg/s' },
        { name: 'upstream / sustained', value: upstream / sustained, unit: 'ratio', note: 'target ≥ 0.9' },
      );
      return figures;
    } finally {
      await api.close();
      await sim.flushWebhooks(3000).catch(() => {});
      await gateway.stop();
      await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
