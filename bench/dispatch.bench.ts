/**
 * End-to-end dispatch: messages accepted by a real gateway process reach the simulator (with status webhooks
 * flowing back) at each number's configured pace. Reports sustained msg/s for one number at 1,000 msg/s and for ten
 * numbers at 80 msg/s, the busiest second seen at the upstream, and the p99 time from accept to upstream call.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { benchDatabase } from './bench-database.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import type { Benchmark, BenchFigure } from './bench.js';
import { startSimulator } from '../src/simulator/index.js';
import type { RunningSimulator } from '../src/simulator/types.js';

const BIN = fileURLToPath(new URL('../bin/switchboard.js', import.meta.url));
const ADMIN_KEY = 'bench-admin-key-0123456789abcdefgh';
const APP_SECRET = 'bench-app-secret';
const VERIFY_TOKEN = 'bench-verify-token';
const SUSTAIN_S = Number(process.env.BENCH_DISPATCH_SECONDS ?? 30);

interface Gateway {
  readonly child: ChildProcess;
  readonly url: string;
}

function serve(dataDir: string, databaseUrl: string | undefined, upstreamUrl: string): Promise<Gateway> {
  // BENCH_PROFILE=<dir> writes a CPU profile of the gateway process there, to see where its time goes.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, BIN, 'serve'], {
    env: {
      ...process.env, SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_LOG_LEVEL: 'warn', SWITCHBOARD_UPSTREAM_URL: upstreamUrl,
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, SWITCHBOARD_META_APP_SECRET: APP_SECRET, SWITCHBOARD_META_VERIFY_TOKEN: VERIFY_TOKEN, SWITCHBOARD_DEMO: 'false',
      SWITCHBOARD_BATCH_MAX: '1000', ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((ok, fail) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) ok({ child, url });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`gateway exited with ${code}:\n${out}`)));
  });
}

class Api {
  private readonly pool: Pool;
  constructor(url: string) {
    this.pool = new Pool(url, { connections: 16 });
  }
  async call(key: string, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.pool.request({ method, path, headers: { 'x-api-key': key, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  }
  close(): Promise<void> {
    return this.pool.close();
  }
}

interface Sender {
  readonly key: string;
  readonly numbers: string[];
  readonly phoneNumberIds: string[];
}

async function createSender(api: Api, sim: RunningSimulator, mps: number, count: number): Promise<Sender> {
  const business = sim.admin.createBusiness({});
  sim.admin.createTemplate({ wabaId: business.wabaId, name: 'hello_world', language: 'en_US', status: 'APPROVED', body: 'Hello World' });
  const account = await api.call(ADMIN_KEY, 'POST', '/v1/admin/accounts', { name: `bench ${mps}` });
  const numbers: string[] = [];
  const phoneNumberIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const remote = sim.admin.createPhoneNumber({ wabaId: business.wabaId, throughputMps: mps, registered: true });
    const number = await api.call(ADMIN_KEY, 'POST', '/v1/admin/numbers', {
      phone_number_id: remote.phoneNumberId, display_phone_number: remote.displayPhoneNumber, waba_id: business.wabaId,
      account_id: account.body.id, registration: 'registered', max_mps: mps, access_token: business.accessToken,
    });
    numbers.push(String(number.body.id));
    phoneNumberIds.push(remote.phoneNumberId);
  }
  const key = await api.call(ADMIN_KEY, 'POST', '/v1/admin/keys', { kind: 'account', account_id: account.body.id });
  return { key: String(key.body.key), numbers, phoneNumberIds };
}

let recipient = 0;
/** Feeds `perSecond` messages, in ten batches a second, spread over the sender's numbers; returns each id's accept time. */
async function feed(api: Api, sender: Sender, perSecond: number, seconds: number): Promise<Map<string, number>> {
  const accepted = new Map<string, number>();
  const perTick = Math.ceil(perSecond / 10);
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let tick = 0; tick < seconds * 10; tick++) {
    const messages = Array.from({ length: perTick }, (_, i) => ({
      to: `4915${String(50_000_000 + (recipient += 1))}`,
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
      from: sender.numbers[(tick * perTick + i) % sender.numbers.length],
    }));
    inFlight.push(
      api.call(sender.key, 'POST', '/v1/messages/batch', { messages }).then((res) => {
        const at = Date.now();
        for (const r of (res.body.results as { id?: string }[] | undefined) ?? []) if (r.id) accepted.set(r.id, at);
      }),
    );
    const next = started + (tick + 1) * 100;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await Promise.all(inFlight);
  return accepted;
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

/** Sustained rate over the steady part of the run, and the busiest one-second window (sliding by 50 ms). */
function rates(times: number[]): { sustained: number; busiestSecond: number } {
  times.sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  const steady = times.filter((t) => t >= first + 2000 && t <= last - 1000);
  const sustained = steady.length / Math.max(0.001, (last - 1000 - (first + 2000)) / 1000);
  let busiest = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= 1000) lo++;
    busiest = Math.max(busiest, hi - lo + 1);
  }
  return { sustained, busiestSecond: busiest };
}

function percentile(values: number[], p: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
}

export const dispatchBenchmark: Benchmark = {
  name: 'dispatch',
  async run() {
    const sim = await startSimulator({ port: 0, recordLimit: 200_000, statusDelaysMs: { sent: 0, delivered: 5, read: -1 }, logger: false });
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-dispatch-'));
    const database = benchDatabase();
    const gateway = await serve(dataDir, database.url, sim.url);
    sim.admin.setWebhook({ url: `${gateway.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const api = new Api(gateway.url);
    const figures: BenchFigure[] = [];
    try {
      const fast = await createSender(api, sim, 1000, 1);
      const ten = await createSender(api, sim, 80, 10);

      const light = await feed(api, fast, 200, 5);
      await waitForSends(sim, fast.phoneNumberIds, light, 10_000);
      const latencies = sendsOf(sim, fast.phoneNumberIds, light).map((s) => s.at - (light.get(s.id) ?? s.at));
      figures.push({ name: 'accept → upstream call p99 (200 msg/s, unthrottled)', value: percentile(latencies, 0.99), unit: 'ms' });
      figures.push({ name: 'accept → upstream call p50', value: percentile(latencies, 0.5), unit: 'ms' });

      const heavy = await feed(api, fast, 1100, SUSTAIN_S);
      await waitForSends(sim, fast.phoneNumberIds, heavy, 30_000);
      const one = rates(sendsOf(sim, fast.phoneNumberIds, heavy).map((s) => s.at));
      figures.push({ name: `one number at 1,000 msg/s: sustained over ${SUSTAIN_S} s`, value: one.sustained, unit: 'msg/s', note: 'target ≥ 950' });
      figures.push({ name: 'one number: busiest second at the upstream', value: one.busiestSecond, unit: 'msg', note: 'must not exceed 1,000' });
      figures.push({ name: 'one number: delivered / accepted', value: sendsOf(sim, fast.phoneNumberIds, heavy).length / heavy.size, unit: 'ratio' });

      const spread = await feed(api, ten, 900, 10);
      await waitForSends(sim, ten.phoneNumberIds, spread, 30_000);
      const tenRates = rates(sendsOf(sim, ten.phoneNumberIds, spread).map((s) => s.at));
      figures.push({ name: 'ten numbers at 80 msg/s: sustained total', value: tenRates.sustained, unit: 'msg/s', note: 'pace ceiling 10 × 80 × 0.96 = 768' });
      const perNumber = ten.phoneNumberIds.map((p) => rates(sendsOf(sim, [p], spread).map((s) => s.at)).busiestSecond);
      figures.push({ name: 'ten numbers: busiest second of any one number', value: Math.max(...perNumber), unit: 'msg', note: 'must not exceed 80' });
    } finally {
      await api.close();
      gateway.child.kill('SIGTERM');
      await new Promise((r) => gateway.child.once('exit', r));
      await sim.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    return figures;
  },
};
