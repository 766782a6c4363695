/**
 * One gateway deployment of the whole-flow benchmark, fresh for each series: its processes (started from
 * bin/switchboard.js), the sending account with ten numbers, the customer endpoint registered for every event, and
 * the count of sends the simulator received. Also what it occupies: bytes on disk and resident memory.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBenchDatabase, type BenchDatabase } from './bench-database.js';
import { benchRedis, type BenchRedis } from './bench-redis.js';
import { createSender, type Sender } from './bench-sender.js';
import { CustomerEndpoint, MESSAGE_EVENTS } from './customer-endpoint.js';
import { GatewayApi, spawnGateway, type GatewayProcess } from './gateway-process.js';
import { treeRss } from './process-cpu.js';
import type { SimulatorProcess } from './simulator-process.js';

const NUMBERS = 10;
const NUMBER_MPS = 1000;
/** Single sends on their way at once, at most: enough that the client pool does not cap the offered rate. */
const API_CONNECTIONS = 128;
const SECRET_KEY = 'bench-secret-key-0123456789abcdef';
const UPSTREAM_POLL_MS = 500;

export interface Topology {
  readonly key: string;
  readonly label: string;
  readonly shared: boolean;
  /** Each process's settings beyond the bench's; the load, Meta's webhooks and the set-up go to the first. */
  readonly processes: readonly Record<string, string>[];
}

export const TOPOLOGIES: readonly Topology[] = [
  { key: 'a', label: '(a) SQLite, default settings', shared: false, processes: [{}] },
  { key: 'a1', label: '(a1) SQLite, background work in a child process (SWITCHBOARD_BACKGROUND=process)', shared: false, processes: [{ SWITCHBOARD_BACKGROUND: 'process' }] },
  { key: 'b', label: '(b) PostgreSQL + Redis, one process', shared: true, processes: [{ SWITCHBOARD_ROLE: 'all' }] },
  { key: 'c', label: '(c) PostgreSQL + Redis, api + worker processes', shared: true, processes: [{ SWITCHBOARD_ROLE: 'api' }, { SWITCHBOARD_ROLE: 'worker' }] },
];

export const CONFIGURED_CAPACITY = `${NUMBERS} numbers × ${NUMBER_MPS.toLocaleString('en')} msg/s configured`;

/** The simulator's sends, counted by arrival time, collected in the background while the deployment runs. */
class UpstreamSends {
  private readonly times: number[] = [];
  private stopped = false;
  private readonly polling: Promise<void>;

  constructor(private readonly sim: SimulatorProcess) {
    this.polling = this.poll();
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      for (const [at] of await this.sim.collect()) this.times.push(at);
      await new Promise((r) => setTimeout(r, UPSTREAM_POLL_MS));
    }
  }

  /** Sends that arrived from `from` until `to`, once the simulator has handed over everything up to `to`. */
  async between(from: number, to: number): Promise<number> {
    while (Date.now() < to + UPSTREAM_POLL_MS * 2) await new Promise((r) => setTimeout(r, UPSTREAM_POLL_MS));
    return this.times.filter((t) => t >= from && t < to).length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.polling;
  }
}

export class Deployment {
  /** Messages this deployment accepted, all phases together. */
  acceptedTotal = 0;
  readonly startRss: number;

  private constructor(
    readonly topology: Topology,
    readonly gateways: readonly GatewayProcess[],
    readonly api: GatewayApi,
    readonly sender: Sender,
    readonly endpoint: CustomerEndpoint,
    readonly upstream: UpstreamSends,
    private readonly dataDirs: readonly string[],
    private readonly database: BenchDatabase | undefined,
    private readonly redis: BenchRedis | undefined,
    private readonly sim: SimulatorProcess,
  ) {
    this.startRss = this.rss();
  }

  static async start(topology: Topology, sim: SimulatorProcess): Promise<Deployment> {
    const database = topology.shared ? postgresBenchDatabase() : undefined;
    const redis = topology.shared ? benchRedis() : undefined;
    const shared: Record<string, string> = {
      SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true',
      ...(database?.url === undefined ? {} : { DATABASE_URL: database.url, SWITCHBOARD_SECRET_KEY: SECRET_KEY }),
      ...(redis === undefined ? {} : { REDIS_URL: redis.url, SWITCHBOARD_REDIS_PREFIX: redis.prefix }),
    };
    const dataDirs: string[] = [];
    const gateways: GatewayProcess[] = [];
    try {
      // One after the other: the first migrates the fresh schema and creates the admin key, the others start on it.
      for (const settings of topology.processes) {
        const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-whole-flow-'));
        dataDirs.push(dataDir);
        gateways.push(await spawnGateway(dataDir, sim.url, { ...shared, ...settings }));
      }
      const api = new GatewayApi(gateways[0]!.url, API_CONNECTIONS);
      await sim.setWebhook(gateways[0]!.url);
      const sender = await createSender(api, sim, NUMBER_MPS, NUMBERS);
      const endpoint = await CustomerEndpoint.start();
      const registered = await api.call(sender.key, 'POST', '/v1/webhooks', { url: endpoint.url, event_types: [...MESSAGE_EVENTS] });
      if (registered.status !== 201) throw new Error(`webhook endpoint not registered: ${registered.status} ${JSON.stringify(registered.body)}`);
      endpoint.useSecret(String(registered.body.secret));
      return new Deployment(topology, gateways, api, sender, endpoint, new UpstreamSends(sim), dataDirs, database, redis, sim);
    } catch (error) {
      await Promise.all(gateways.map((g) => g.stop()));
      await cleanUp(dataDirs, database, redis);
      throw error;
    }
  }

  /** Resident memory of every gateway process and their children. */
  rss(): number {
    return this.gateways.reduce((sum, g) => sum + treeRss(g.child.pid!), 0);
  }

  /** What the deployment's data takes: the SQLite file with its WAL and shared memory, or the bench schema's relations. */
  async storedBytes(): Promise<number> {
    if (this.database?.url === undefined) {
      const dir = this.dataDirs[0]!;
      return readdirSync(dir).filter((f) => f.startsWith('switchboard.db')).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    }
    const schema = new URL(this.database.url).searchParams.get('schema');
    const client = new pg.Client({ connectionString: this.database.url.replace(/\?.*$/, '') });
    await client.connect();
    try {
      const res = await client.query<{ bytes: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0) AS bytes FROM pg_tables WHERE schemaname = $1`,
        [schema],
      );
      return Number(res.rows[0]!.bytes);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.upstream.stop();
    await this.api.close();
    await this.sim.flushWebhooks(3000).catch(() => {});
    await Promise.all(this.gateways.map((g) => g.stop()));
    await this.endpoint.close();
    await cleanUp(this.dataDirs, this.database, this.redis);
  }
}

async function cleanUp(dataDirs: readonly string[], database: BenchDatabase | undefined, redis: BenchRedis | undefined): Promise<void> {
  await database?.drop();
  await redis?.clear();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}
