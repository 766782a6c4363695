/**
 * End-to-end dispatch: messages accepted by a real gateway process reach the simulator (with status webhooks
 * flowing back) at each number's configured pace. Reports sustained msg/s for one number at 1,000 msg/s and for ten
 * numbers at 80 msg/s, the busiest second seen at the upstream, and the p99 time from accept to upstream call.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDatabase } from './bench-database.js';
import type { Benchmark, BenchFigure } from './bench.js';
import { percentile, rates } from './bench-stats.js';
import { createSender, feed } from './bench-sender.js';
import { APP_SECRET, GatewayApi, spawnGateway, VERIFY_TOKEN } from './gateway-process.js';
import { startSimulator } from '../src/simulator/index.js';
import type { RunningSimulator } from '../src/simulator/types.js';

const SUSTAIN_S = Number(process.env.BENCH_DISPATCH_SECONDS ?? 30);
/** Linux counts a thread's CPU in ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

/**
 * CPU milliseconds the process's main thread has used so far (user + system), read from /proc; undefined where
 * there is no /proc. The main thread runs accept, dispatch and Meta webhook application: its CPU bounds the flow.
 */
function mainThreadCpuMs(pid: number | undefined): number | undefined {
  const stat = `/proc/${pid}/task/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) return undefined;
  // The fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
  const text = readFileSync(stat, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function sendsOf(sim: RunningSimulator, phoneNumberIds: readonly string[], ids: ReadonlyMap<string, number>) {
  return sim.admin
    .requests()
    .filter((r) => r.method === 'POST' && r.status === 200 && phoneNumberIds.some((p) => r.path.includes(`/${p}/messages`)))
    .map((r) => ({ at: r.at, id: (r.body as { biz_opaque_callback_data?: string } | undefined)?.biz_opaque_callback_data ?? '' }))
    .filter((s) => ids.has(s.id));
}

async function waitForSends(sim: RunningSimulator, phoneNumberIds: readonly string[], ids: ReadonlyMap<string, number>, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (sendsOf(sim, phoneNumberIds, ids).length < ids.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

export const dispatchBenchmark: Benchmark = {
  name: 'dispatch',
  async run() {
    const sim = await startSimulator({ port: 0, recordLimit: 200_000, statusDelaysMs: { sent: 0, delivered: 5, read: -1 }, logger: false });
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-dispatch-'));
    const database = benchDatabase();
    const gateway = await spawnGateway(dataDir, sim.url, database.url === undefined ? {} : { DATABASE_URL: database.url });
    sim.admin.setWebhook({ url: `${gateway.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const api = new GatewayApi(gateway.url);
    const figures: BenchFigure[] = [];
    try {
      const fast = await createSender(api, sim.admin, 1000, 1);
      const ten = await createSender(api, sim.admin, 80, 10);

      const light = await feed([api], fast, 200, 5);
      await waitForSends(sim, fast.phoneNumberIds, light, 10_000);
      const latencies = sendsOf(sim, fast.phoneNumberIds, light).map((s) => s.at - (light.get(s.id) ?? s.at));
      figures.push({ name: 'accept → upstream call p99 (200 msg/s, unthrottled)', value: percentile(latencies, 0.99), unit: 'ms' });
      figures.push({ name: 'accept → upstream call p50', value: percentile(latencies, 0.5), unit: 'ms' });

      const cpuBefore = mainThreadCpuMs(gateway.child.pid);
      const heavy = await feed([api], fast, 1100, SUSTAIN_S);
      await waitForSends(sim, fast.phoneNumberIds, heavy, 30_000);
      // Their status webhooks come shortly after the last sends: wait for them to be applied too.
      await new Promise((r) => setTimeout(r, 2_000));
      const cpuAfter = mainThreadCpuMs(gateway.child.pid);
      const one = rates(sendsOf(sim, fast.phoneNumberIds, heavy).map((s) => s.at));
      figures.push({ name: `one number at 1,000 msg/s: sustained over ${SUSTAIN_S} s`, value: one.sustained, unit: 'msg/s', note: 'target ≥ 950' });
      figures.push({ name: 'one number: busiest second at the upstream', value: one.busiestSecond, unit: 'msg', note: 'must not exceed 1,000' });
      figures.push({ name: 'one number: delivered / accepted', value: sendsOf(sim, fast.phoneNumberIds, heavy).length / heavy.size, unit: 'ratio' });
      if (cpuBefore !== undefined && cpuAfter !== undefined) {
        const note = 'accept, dispatch and status webhooks; no customer webhooks';
        figures.push({ name: 'one number: gateway main-thread CPU per message', value: (cpuAfter - cpuBefore) / heavy.size, unit: 'ms', note });
      }

      const spread = await feed([api], ten, 900, 10);
      await waitForSends(sim, ten.phoneNumberIds, spread, 30_000);
      const tenRates = rates(sendsOf(sim, ten.phoneNumberIds, spread).map((s) => s.at));
      figures.push({ name: 'ten numbers at 80 msg/s: sustained total', value: tenRates.sustained, unit: 'msg/s', note: 'pace ceiling 10 × 80 × 0.96 = 768' });
      const perNumber = ten.phoneNumberIds.map((p) => rates(sendsOf(sim, [p], spread).map((s) => s.at)).busiestSecond);
      figures.push({ name: 'ten numbers: busiest second of any one number', value: Math.max(...perNumber), unit: 'msg', note: 'must not exceed 80' });
    } finally {
      await api.close();
      await gateway.stop();
      await sim.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    return figures;
  },
};
