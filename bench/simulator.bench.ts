/** The simulator's own send throughput with webhooks on: template sends over HTTP while a local receiver counts the statuses. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import type { Benchmark } from './bench.js';
import { startWebhookReceiver } from '../src/simulator/testing/webhook-receiver.js';

const DURATION_S = 8;
/** Longest wait for the last statuses after the load stops; with start-up the run stays under 20 s. */
const DRAIN_MAX_MS = 8_000;
const NUMBERS = 16;
const SECRET = 'bench-secret';
const CONNECTIONS = 64;
/** A hard cap besides the time limit, so that a fast machine does not run up unbounded state. */
const MAX_SENDS = 200_000;

interface ChildReady {
  readonly url: string;
  readonly token: string;
  readonly phoneNumberIds: string[];
}

/** Closed-loop load over keep-alive connections (undici Pool): each request a new recipient on the next number. */
async function sendLoad(ready: ChildReady): Promise<{ ok: number; failed: number; p99Ms: number }> {
  const pool = new Pool(ready.url, { connections: CONNECTIONS, pipelining: 1 });
  const headers = { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' };
  const latencies: number[] = [];
  let seq = 0;
  let ok = 0;
  let failed = 0;
  const stopAt = Date.now() + DURATION_S * 1000;
  async function worker(): Promise<void> {
    while (Date.now() < stopAt && seq < MAX_SENDS) {
      const n = seq++;
      const body = JSON.stringify({
        messaging_product: 'whatsapp',
        to: `+1${String(5_550_000_000 + n)}`,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: `n${n}` }] }] },
      });
      const started = performance.now();
      const res = await pool.request({ method: 'POST', path: `/v21.0/${ready.phoneNumberIds[n % NUMBERS]}/messages`, headers, body });
      await res.body.dump();
      if (n % 16 === 0) latencies.push(performance.now() - started);
      if (res.statusCode === 200) ok++;
      else failed++;
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { ok, failed, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

export const simulatorBenchmark: Benchmark = {
  name: 'simulator',
  async run() {
    const receiver = await startWebhookReceiver({ appSecret: SECRET, countOnly: true });
    // The simulator runs in its own process, as it does beside a gateway, so the load generator does not share its core.
    const child = fork(fileURLToPath(new URL('../src/simulator/testing/bench-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const ready = await new Promise<ChildReady>((resolve, reject) => {
        child.once('message', (m) => resolve(m as ChildReady));
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
        child.send({ webhookUrl: receiver.url, appSecret: SECRET, numbers: NUMBERS });
      });
      const result = await sendLoad(ready);
      const accepted = result.ok;
      const expected = accepted * 3;
      const deadline = Date.now() + DRAIN_MAX_MS;
      while (receiver.statusCount < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const drainS = DURATION_S + (Date.now() - (deadline - DRAIN_MAX_MS)) / 1000;
      return [
        { name: 'accepted sends', value: accepted / DURATION_S, unit: 'msg/s', note: `webhooks on, ${DURATION_S} s, ${CONNECTIONS} connections; target ≥ 5,000` },
        { name: 'non-2xx answers', value: result.failed, unit: 'requests' },
        { name: 'p99 send latency', value: result.p99Ms, unit: 'ms' },
        { name: 'statuses delivered', value: receiver.statusCount / drainS, unit: 'statuses/s', note: `${receiver.statusCount} of ${expected} (sent+delivered+read) incl. drain` },
      ];
    } finally {
      child.send('stop');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill();
          resolve(undefined);
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      await receiver.close();
    }
  },
};
