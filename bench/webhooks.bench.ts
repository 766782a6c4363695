/**
 * Customer webhooks under load: events delivered per second to a local receiver (fan-out, signing, one POST per event,
 * attempt rows, all durable), and the delivery lag p99 (event written → receiver has it) at a steady 500 events/s.
 * Events are real message.accepted events written by the accept path's writer thread; the receiver runs in a child
 * process so that it and the gateway each have a core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { benchDatabase } from './bench-database.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.js';
import type { AcceptItem, Store } from '../src/store/store.js';
import { createWebhookDelivery } from '../src/webhooks/outbound/webhook-delivery.js';
import type { Benchmark } from './bench.js';
import { threadCpu } from './thread-cpu.js';

const THROUGHPUT_EVENTS = Number(process.env['BENCH_WEBHOOK_EVENTS'] ?? 20_000);
const STEADY_RATE = 500;
const STEADY_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 6);
const DEADLINE_MS = 90_000;

// Plain JavaScript for `node -e`: answers 200, counts, and keeps each delivery's lag from the body's timestamp.
const RECEIVER = `
const http = require('node:http');
let count = 0; let lags = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/stats') {
      const sorted = lags.slice().sort((a, b) => a - b);
      const at = (q) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
      res.end(JSON.stringify({ count, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 }));
      return;
    }
    if (req.url === '/reset') { count = 0; lags = []; res.end('{}'); return; }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    count += 1; lags.push(Date.now() - Date.parse(body.timestamp));
    res.writeHead(200, { 'content-length': 0 }).end();
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

function startReceiver(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) ok({ url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`, child });
    });
    child.once('exit', (code) => fail(new Error(`receiver exited with ${code}`)));
  });
}

async function stats(url: string): Promise<{ count: number; p50: number; p99: number; max: number }> {
  return (await (await fetch(`${url}/stats`)).json()) as { count: number; p50: number; p99: number; max: number };
}

/** BENCH_PROFILE=<dir>: a CPU profile of the main thread while it drains the backlog, written there. */
async function startProfile(): Promise<{ stop(): Promise<void> } | undefined> {
  const dir = process.env['BENCH_PROFILE'];
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, `webhooks-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function accept(store: Store, accountId: string, numberId: string, count: number, now: number): Promise<void> {
  const items: AcceptItem[] = Array.from({ length: count }, (_, i) => ({
    accountId, numberId, to: `49151${String(10_000_000 + i).slice(0, 8)}`, type: 'template', payload: { type: 'template', template: { name: 'hello_world' } }, creditCost: 0,
  }));
  await store.acceptMessages(items, now);
}

async function until(what: string, check: () => Promise<boolean>, deadline: number): Promise<void> {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`webhooks bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const webhooksBenchmark: Benchmark = {
  name: 'webhooks',
  async run() {
    const receiver = await startReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-webhooks-bench-'));
    const database = benchDatabase();
    const store = await openStore({ dataDir, databaseUrl: database.url, secretKey: 'bench-secret-0123456789' });
    const delivery = createWebhookDelivery(
      store,
      { webhookAllowPrivate: true, webhookBacklogCap: 1_000_000, webhookRetrySchedule: [0, 1, 5], webhookDisableAfterSeconds: 3600, webhookTimeoutMs: 5_000 },
      { now: Date.now },
    );
    const deadline = Date.now() + DEADLINE_MS;
    try {
      const now = Date.now();
      const account = await store.createAccount({ name: 'bench' }, now);
      const number = await store.createNumber({ phoneNumberId: '100000000000001', displayPhoneNumber: '+1 555 0100', wabaId: '1', accountId: account.id }, now);
      await store.webhooks.createEndpoint({ accountId: account.id, url: `${receiver.url}/hook`, secret: 'whsec_' + Buffer.alloc(24, 7).toString('base64') }, now);

      // 1. Throughput: a backlog written first, then drained by the worker from a cold start.
      for (let done = 0; done < THROUGHPUT_EVENTS; done += 500) await accept(store, account.id, number.id, Math.min(500, THROUGHPUT_EVENTS - done), Date.now());
      const started = performance.now();
      const cpuBefore = threadCpu(process.pid);
      const profile = await startProfile();
      await delivery.start();
      await until('the backlog to be delivered', async () => (await stats(receiver.url)).count >= THROUGHPUT_EVENTS, deadline);
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = threadCpu(process.pid);
      await profile?.stop();
      const throughput = THROUGHPUT_EVENTS / seconds;

      // 2. Lag at a steady 500 events/s: 25 events every 50 ms, each timestamped when written.
      await fetch(`${receiver.url}/reset`, { method: 'POST' });
      const steadyEvents = STEADY_RATE * STEADY_SECONDS;
      const t0 = Date.now();
      for (let sent = 0; sent < steadyEvents; sent += 25) {
        const wait = t0 + (sent / STEADY_RATE) * 1000 - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await accept(store, account.id, number.id, 25, Date.now());
      }
      await until('the steady events to be delivered', async () => (await stats(receiver.url)).count >= steadyEvents, deadline);
      const lag = await stats(receiver.url);
      const cpuFigures = cpuBefore && cpuAfter ? [
        { name: 'main-thread CPU per event delivered', value: ((cpuAfter.main - cpuBefore.main) / THROUGHPUT_EVENTS) * 1000, unit: 'µs', note: 'while draining the backlog: fan-out, claims, signing, posting, settling (/proc, 10 ms ticks)' },
        { name: 'other threads\' CPU per event delivered', value: ((cpuAfter.others - cpuBefore.others) / THROUGHPUT_EVENTS) * 1000, unit: 'µs', note: 'same window: the webhook sender thread, the writer thread, GC helpers' },
      ] : [];
      return [
        ...cpuFigures,
        { name: 'events delivered', value: throughput, unit: 'events/s', note: `${THROUGHPUT_EVENTS} message.accepted events to one local endpoint in ${seconds.toFixed(1)} s, signed, attempts recorded; target ≥ 2,000/s` },
        { name: 'delivery lag p99 at 500 events/s', value: lag.p99, unit: 'ms', note: `${steadyEvents} events over ${STEADY_SECONDS} s; p50 ${lag.p50} ms, max ${lag.max} ms; from the event's commit to the receiver` },
      ];
    } finally {
      await delivery.stop();
      await store.close();
      receiver.child.stdin!.end();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
