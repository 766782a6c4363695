/**
 * The gateway's resident memory over a sustained run: `switchboard serve` on SQLite, fed BENCH_RSS_RATE templates a
 * second (default 100, ten batches a second, each to a new recipient) for BENCH_RSS_SECONDS (default 600), against a
 * simulator that answers every send with sent, delivered and read webhooks, and one customer endpoint that takes
 * every event. Its RSS is read from /proc every BENCH_RSS_SAMPLE_SECONDS (default 30): flat means nothing is kept per
 * message. The simulator and the receiver run in this process, so only the gateway's memory is measured.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './bench.js';
import { createSender, feed } from './bench-sender.js';
import { APP_SECRET, GatewayApi, spawnGateway, VERIFY_TOKEN } from './gateway-process.js';
import { startSimulator } from '../src/simulator/index.js';

const RATE = Number(process.env['BENCH_RSS_RATE'] ?? 100);
const SECONDS = Number(process.env['BENCH_RSS_SECONDS'] ?? 600);
const SAMPLE_SECONDS = Number(process.env['BENCH_RSS_SAMPLE_SECONDS'] ?? 30);

/** Resident set of a process, from /proc (Linux). */
function rssMib(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib ?? 0) / 1024;
}

/** Answers 200 to every delivery and counts them. */
async function startReceiver(): Promise<{ server: Server; url: string; count: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      res.writeHead(200, { 'content-length': 0 }).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/hooks`, count: () => count };
}

export const rssBenchmark: Benchmark = {
  name: 'rss',
  async run() {
    const sim = await startSimulator({ port: 0, recordLimit: 1000, statusDelaysMs: { sent: 0, delivered: 5, read: 10 }, logger: false });
    const receiver = await startReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-rss-'));
    const gateway = await spawnGateway(dataDir, sim.url, { SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const api = new GatewayApi(gateway.url);
    try {
      sim.admin.setWebhook({ url: `${gateway.url}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
      const sender = await createSender(api, sim.admin, 1000, 1);
      const endpoint = await api.call(sender.key, 'POST', '/v1/webhooks', { url: receiver.url });
      if (endpoint.status !== 201) throw new Error(`endpoint not created: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
      const pid = gateway.child.pid!;
      const samples: { at: number; rss: number }[] = [{ at: 0, rss: rssMib(pid) }];
      const started = Date.now();
      const sampler = setInterval(() => samples.push({ at: Math.round((Date.now() - started) / 1000), rss: rssMib(pid) }), SAMPLE_SECONDS * 1000);
      const accepted = await feed([api], sender, RATE, SECONDS).finally(() => clearInterval(sampler));
      samples.push({ at: Math.round((Date.now() - started) / 1000), rss: rssMib(pid) });
      const warm = samples.find((s) => s.at >= 60) ?? samples[0]!;
      const last = samples.at(-1)!;
      const peak = Math.max(...samples.map((s) => s.rss));
      return [
        { name: 'accepted', value: accepted.size, unit: 'messages', note: `${RATE}/s for ${SECONDS} s; ${receiver.count()} customer deliveries received by the end` },
        { name: 'gateway RSS after 1 min', value: warm.rss, unit: 'MiB', note: `curve (s: MiB): ${samples.map((s) => `${s.at}: ${s.rss.toFixed(0)}`).join(', ')}` },
        { name: 'gateway RSS at the end', value: last.rss, unit: 'MiB', note: `peak ${peak.toFixed(0)} MiB` },
        { name: 'gateway RSS growth after the first minute', value: last.rss - warm.rss, unit: 'MiB' },
      ];
    } finally {
      await api.close();
      await gateway.stop();
      await sim.close();
      receiver.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
