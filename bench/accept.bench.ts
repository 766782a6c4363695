/**
 * The accept path under load: accepted sends/s on POST /v1/messages (durable, group commit) against a bare node:http
 * server answering the same JSON, measured in the same run, and p99 latency at a fixed 1,000 requests/s.
 * A Fastify route with the send route's schemas that does no work runs beside them: the framework's own share of the
 * gap to bare node:http, so the rest is known to be the gateway's.
 * The servers run in a child process so that autocannon (this process) and the server each have a core.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './bench.js';
import { benchDatabase, onPostgres } from './bench-database.js';
import { threadCpu } from './thread-cpu.js';

const ON_POSTGRES = onPostgres();

export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Cannon = (options: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const ROLE_ENV = 'SWITCHBOARD_ACCEPT_BENCH_SERVERS';
/** Distinct recipients, so that nothing per recipient (a memo, an index) flatters the figures. */
const RECIPIENTS = 10_000;
const BODIES = Array.from({ length: RECIPIENTS }, (_, i) =>
  JSON.stringify({ to: `49151${String(10_000_000 + i * 7919).slice(0, 8)}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
);
const ANSWER = JSON.stringify({ id: 'msg_06h0z05x1r0003jy27hqz2qc4c', status: 'accepted' });
/** Throughput is measured in alternating rounds (bare, gateway, bare, …): this machine's noise then hits both alike. */
const ROUNDS = 3;
const ROUND_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const FIXED_RATE_SECONDS = 10;

interface ServerInfo {
  bare: string;
  floor: string;
  gateway: string;
  key: string;
}

/** Child side: a bare node:http server and the real gateway (fresh SQLite store in a temp dir), on loopback. */
async function runServers(): Promise<void> {
  const { openStore } = await import('../src/store/open-store.js');
  const { buildApp } = await import('../src/http/app.js');
  const { issueKey } = await import('../src/store/api-keys.js');
  const { ACCEPTED_SCHEMA, SEND_MESSAGE_BODY } = await import('../src/http/schemas/message.js');
  const { finiteNumbersPlugin } = await import('../src/http/schemas/numbers.js');
  const { default: Fastify } = await import('fastify');
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  await new Promise<void>((ok) => bare.listen(0, '127.0.0.1', ok));
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const database = benchDatabase();
  const store = await openStore({ dataDir, databaseUrl: database.url, secretKey: 'bench-secret-0123456789' });
  const now = Date.now();
  const account = await store.createAccount({ name: 'bench' }, now);
  const number = await store.createNumber({ phoneNumberId: '100000000000001', displayPhoneNumber: '+1 555 0100', wabaId: '1', accountId: account.id }, now);
  await store.updateAccount(account.id, { defaultNumberId: number.id }, now);
  const { secret } = await issueKey(store, { kind: 'account', accountId: account.id, name: 'bench' }, now);
  const app = await buildApp({ store, logger: false });
  const gateway = await app.listen({ host: '127.0.0.1', port: 0 });
  // The send route's schemas use the gateway's own Ajv keyword, so the floor app needs it too.
  const floorApp = Fastify({ logger: false, ajv: { plugins: [finiteNumbersPlugin] } });
  const accepted = JSON.parse(ANSWER) as unknown;
  floorApp.post('/v1/messages', { schema: { body: SEND_MESSAGE_BODY, response: { 202: ACCEPTED_SCHEMA } } }, async function noWork(_request, reply) {
    return reply.code(202).send(accepted);
  });
  const floor = await floorApp.listen({ host: '127.0.0.1', port: 0 });
  const address = bare.address();
  const info: ServerInfo = { bare: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, floor, gateway, key: secret };
  console.log(JSON.stringify(info));
  const stop = async () => {
    await app.close();
    await floorApp.close();
    await store.close();
    await database.drop();
    bare.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

/**
 * A load's result with CPU per answered request in microseconds: the servers' main thread and other threads (absent
 * without /proc), and autocannon's own, since it shares this machine's cores with the server it measures.
 */
interface Measured {
  result: CannonResult;
  loadGenerator: number;
  main?: number;
  others?: number;
}

async function measured(pid: number, run: () => Promise<CannonResult>): Promise<Measured> {
  const before = threadCpu(pid);
  const ownBefore = process.cpuUsage();
  const result = await run();
  const own = process.cpuUsage(ownBefore);
  const after = threadCpu(pid);
  const answered = Math.max(result.requests.total, 1);
  const loadGenerator = (own.user + own.system) / answered;
  if (!before || !after) return { result, loadGenerator };
  const perRequest = (ms: number) => (ms * 1000) / answered;
  return { result, loadGenerator, main: perRequest(after.main - before.main), others: perRequest(after.others - before.others) };
}

function startServers(): Promise<{ info: ServerInfo; pid: number; stop: () => Promise<void> }> {
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  // BENCH_PROFILE=<dir> writes a CPU profile of the servers' process there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, runTs, self], { env: { ...process.env, [ROLE_ENV]: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line)
        ok({
          info: JSON.parse(line) as ServerInfo,
          pid: child.pid!,
          stop: () => new Promise<void>((done) => (child.once('exit', () => done()), child.stdin!.end())),
        });
    });
    child.once('exit', (code) => fail(new Error(`bench servers exited with ${code}: ${out}`)));
  });
}

export function load(url: string, key: string, extra: Record<string, unknown>): Promise<CannonResult> {
  let next = 0;
  return autocannon({
    url: `${url}/v1/messages`,
    requests: [
      {
        method: 'POST',
        path: '/v1/messages',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        setupRequest: (request: Record<string, unknown>) => ({ ...request, body: BODIES[next++ % RECIPIENTS] }),
      },
    ],
    ...extra,
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function checkClean(name: string, r: CannonResult): void {
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers and ${r.errors} errors`);
}

export const acceptBenchmark: Benchmark = {
  name: 'accept',
  async run() {
    const { info, pid, stop } = await startServers();
    try {
      const warm = { connections: 50, duration: 2 };
      for (const url of [info.bare, info.floor, info.gateway]) await load(url, info.key, warm);
      const round = async (name: string, url: string) => {
        const m = await measured(pid, () => load(url, info.key, { connections: 50, duration: ROUND_SECONDS }));
        checkClean(name, m.result);
        return m;
      };
      const rounds: { bare: Measured; floor: Measured; gateway: Measured }[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        rounds.push({ bare: await round('bare', info.bare), floor: await round('fastify floor', info.floor), gateway: await round('gateway', info.gateway) });
      }
      const fixed = await load(info.gateway, info.key, { connections: 20, overallRate: 1000, duration: FIXED_RATE_SECONDS });
      checkClean('fixed rate', fixed);
      const ratios = rounds.map((r) => r.gateway.result.requests.average / r.bare.result.requests.average);
      const floorRatios = rounds.map((r) => r.floor.result.requests.average / r.bare.result.requests.average);
      const bare = median(rounds.map((r) => r.bare.result.requests.average));
      const gateway = median(rounds.map((r) => r.gateway.result.requests.average));
      const p99 = median(rounds.map((r) => r.gateway.result.latency.p99));
      const cpu = (pick: (r: (typeof rounds)[number]) => number | undefined) => {
        const values = rounds.map(pick).filter((v) => v !== undefined);
        return values.length === rounds.length ? Math.round(median(values)) : undefined;
      };
      const cpuFigures = [
        { name: 'bare node:http main-thread CPU per request', value: cpu((r) => r.bare.main), note: 'median of the rounds (/proc)' },
        { name: 'gateway main-thread CPU per accepted send', value: cpu((r) => r.gateway.main), note: 'HTTP, auth, validation, preflight, hand-off to the writer' },
        { name: 'gateway other threads CPU per accepted send', value: cpu((r) => r.gateway.others), note: ON_POSTGRES ? 'GC helpers (PostgreSQL commits in its own processes, not counted here)' : 'SQLite writer thread (3 rows and their indexes, fsync per group), GC helpers' },
        { name: 'Fastify floor main-thread CPU per request', value: cpu((r) => r.floor.main), note: 'the send route’s schemas, no work' },
        { name: 'load generator CPU per accepted send', value: cpu((r) => r.gateway.loadGenerator), note: `autocannon shares the machine's cores (bare: ${cpu((r) => r.bare.loadGenerator)} µs per request)` },
      ];
      return [
        { name: 'bare node:http', value: bare, unit: 'req/s', note: `median of ${ROUNDS} rounds of ${ROUND_SECONDS} s, 50 connections` },
        { name: 'POST /v1/messages accepted', value: gateway, unit: 'req/s', note: `durable (${ON_POSTGRES ? 'PostgreSQL commit' : 'WAL, synchronous=FULL'}), group commit; p99 ${p99} ms at 50 connections` },
        { name: 'accepted / bare', value: median(ratios), unit: 'ratio', note: `median of rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ≥ 0.4` },
        { name: 'Fastify floor / bare', value: median(floorRatios), unit: 'ratio', note: `same route schemas, no work; rounds ${floorRatios.map((r) => r.toFixed(2)).join(', ')}` },
        { name: 'p99 latency at 1,000 req/s', value: fixed.latency.p99, unit: 'ms', note: `${FIXED_RATE_SECONDS} s, ${fixed.requests.total} requests; target < 20 ms` },
        ...cpuFigures.flatMap((f) => (f.value === undefined ? [] : [{ ...f, value: f.value, unit: 'µs' }])),
      ];
    } finally {
      await stop();
    }
  },
};

if (process.env[ROLE_ENV] === '1') await runServers();
