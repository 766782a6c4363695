/**
 * The retention pruner under accept load: p50/p99 of POST /v1/messages at a fixed 1,000 requests/s while the pruner
 * removes a seeded backlog of settled messages and their events (BENCH_RETENTION_ROWS, default 1,000,000 each),
 * against the same load on the same server with the pruner idle, in the same run; and the database's size before and
 * after. The server runs in a child process so that autocannon (this process) and the server each have a core.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Benchmark } from './bench.js';
import { checkClean, load, type CannonResult } from './accept.bench.js';
import { DEFAULT_PRUNER_CONFIG } from '../src/runtime/pruner.js';

const DEFAULT_BATCH_ROWS = DEFAULT_PRUNER_CONFIG.batchRows;

const ROLE_ENV = 'SWITCHBOARD_RETENTION_BENCH_SERVER';
const ROWS = Number(process.env['BENCH_RETENTION_ROWS'] ?? 1_000_000);
const LOAD_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const RATE = 1000;
/** The pruning run is measured until the backlog is gone or this many seconds have passed. */
const PRUNE_CAP_SECONDS = Number(process.env['BENCH_RETENTION_CAP_SECONDS'] ?? 600);
const DAY = 24 * 3600 * 1000;

interface Sizes {
  fileBytes: number;
  liveBytes: number;
}

interface Status {
  removed: { messages: number; events: number };
  /** Wall time of one pruning batch (every table's, empty ones included), in ms. */
  batch: { p99: number; max: number; count: number };
  done: boolean;
  sizes: Sizes;
}

/** Child side: the gateway on a fresh file seeded with ROWS old, settled messages and their fanned-out events. */
async function runServer(): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const { openStore, sqliteFileOf } = await import('../src/store/open-store.js');
  const { openRetention } = await import('../src/store/open-retention.js');
  const { buildApp } = await import('../src/http/app.js');
  const { issueKey } = await import('../src/store/api-keys.js');
  const { newId } = await import('../src/store/ids.js');
  const { DEFAULT_RETENTION } = await import('../src/domain/retention.js');
  const { Pruner } = await import('../src/runtime/pruner.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-retention-bench-'));
  const config = { dataDir, databaseUrl: undefined, secretKey: 'bench-secret-0123456789' };
  const store = await openStore(config);
  const file = sqliteFileOf(config)!;
  const now = Date.now();
  const account = await store.createAccount({ name: 'bench' }, now);
  const number = await store.createNumber({ phoneNumberId: '100000000000001', displayPhoneNumber: '+1 555 0100', wabaId: '1', accountId: account.id }, now);
  await store.updateAccount(account.id, { defaultNumberId: number.id }, now);
  const { secret } = await issueKey(store, { kind: 'account', accountId: account.id, name: 'bench' }, now);

  const seedStarted = Date.now();
  const seeder = new Database(file);
  const message = seeder.prepare(`INSERT INTO messages (id, account_id, number_id, recipient, type, status, payload, status_times, wamid, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'template', 'delivered', '{"type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}', '{}', ?, ?, ?)`);
  const event = seeder.prepare(`INSERT INTO events (id, account_id, type, subject_id, payload, created_at, fanned_out_at)
    VALUES (?, ?, 'message.delivered', ?, '{"status":"delivered"}', ?, ?)`);
  const old = now - DEFAULT_RETENTION.messages - 10 * DAY;
  const seedChunk = seeder.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = old + i;
      const id = newId('msg', at);
      message.run(id, account.id, number.id, `49151${String(10_000_000 + i).slice(0, 8)}`, `wamid.${i}`, at, at);
      event.run(newId('evt', at), account.id, id, at, at);
    }
  });
  for (let from = 0; from < ROWS; from += 100_000) seedChunk(from, Math.min(ROWS, from + 100_000));
  seeder.pragma('wal_checkpoint(TRUNCATE)');
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const sizes = (): Sizes => {
    const pages = seeder.pragma('page_count', { simple: true }) as number;
    const free = seeder.pragma('freelist_count', { simple: true }) as number;
    const pageSize = seeder.pragma('page_size', { simple: true }) as number;
    const wal = `${file}-wal`;
    return { fileBytes: statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0), liveBytes: (pages - free) * pageSize };
  };

  const app = await buildApp({ store, logger: false });
  const gateway = await app.listen({ host: '127.0.0.1', port: 0 });
  const retention = openRetention(config);
  // Each batch runs on this (the accepting) thread: how long one takes is how long an accept can wait behind it.
  const batchMs: number[] = [];
  const timed = <A extends unknown[], R>(operation: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    const started = performance.now();
    try {
      return await operation(...args);
    } finally {
      batchMs.push(performance.now() - started);
    }
  };
  const pruning = retention.store;
  const pruner = new Pruner({
    store: {
      pruneBatch: timed(pruning.pruneBatch.bind(pruning)),
      accountsAfter: timed(pruning.accountsAfter.bind(pruning)),
      compactLedger: timed(pruning.compactLedger.bind(pruning)),
    },
    config: { ...DEFAULT_PRUNER_CONFIG, policy: DEFAULT_RETENTION },
    now: () => Date.now(),
    onError: (error) => console.error('pruning failed:', error),
  });
  console.log(JSON.stringify({ gateway, key: secret, seedSeconds, sizes: sizes() }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'prune') pruner.start();
    if (line === 'status') {
      const totals = pruner.totals;
      const done = totals.messages >= ROWS && totals.events >= ROWS;
      const sorted = [...batchMs].sort((a, b) => a - b);
      const batch = { p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, max: sorted.at(-1) ?? 0, count: sorted.length };
      console.log(JSON.stringify({ removed: { messages: totals.messages, events: totals.events }, done, sizes: sizes(), batch } satisfies Status));
    }
  }
  await pruner.stop();
  await retention.close();
  await app.close();
  await store.close();
  seeder.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

interface Child {
  readonly ready: { gateway: string; key: string; seedSeconds: number; sizes: Sizes };
  send(command: 'prune' | 'status'): void;
  next(): Promise<Status>;
  stop(): Promise<void>;
}

function startServer(): Promise<Child> {
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const child = spawn(process.execPath, [runTs, fileURLToPath(import.meta.url)], { env: { ...process.env, [ROLE_ENV]: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => JSON.parse(((await lines.next()).value as string | undefined) ?? 'null') as unknown;
  return new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`retention bench server exited with ${code}`)));
    void nextLine().then((ready) => ok({
      ready: ready as Child['ready'],
      send: (command) => child.stdin!.write(`${command}\n`),
      next: async () => (await nextLine()) as Status,
      stop: () => new Promise<void>((done) => (child.once('exit', () => done()), child.stdin!.end())),
    }), fail);
  });
}

async function status(child: Child): Promise<Status> {
  child.send('status');
  return child.next();
}

const fixedLoad = (child: Child): Promise<CannonResult> =>
  load(child.ready.gateway, child.ready.key, { connections: 20, overallRate: RATE, duration: LOAD_SECONDS });

const mib = (bytes: number) => bytes / (1024 * 1024);

export const retentionBenchmark: Benchmark = {
  name: 'retention',
  async run() {
    const child = await startServer();
    try {
      await load(child.ready.gateway, child.ready.key, { connections: 20, duration: 2 });
      const idle = await fixedLoad(child);
      checkClean('no pruning', idle);
      const pruneStarted = Date.now();
      child.send('prune');
      const pruning = await fixedLoad(child);
      checkClean('while pruning', pruning);
      const duringLoad = await status(child);
      let last = duringLoad;
      while (!last.done && Date.now() - pruneStarted < PRUNE_CAP_SECONDS * 1000) {
        await new Promise((r) => setTimeout(r, 1000));
        last = await status(child);
      }
      const pruneSeconds = (Date.now() - pruneStarted) / 1000;
      const seeded = child.ready.sizes;
      const rows = `${ROWS.toLocaleString('en')} messages + ${ROWS.toLocaleString('en')} events`;
      return [
        { name: 'seeded', value: ROWS, unit: 'messages', note: `plus one event each, 40 days old; seeded in ${child.ready.seedSeconds.toFixed(1)} s` },
        { name: 'accept p50, no pruning', value: idle.latency.p50, unit: 'ms', note: `${RATE} req/s for ${LOAD_SECONDS} s, ${idle.requests.total} requests` },
        { name: 'accept p99, no pruning', value: idle.latency.p99, unit: 'ms' },
        { name: 'accept p50, while pruning', value: pruning.latency.p50, unit: 'ms', note: `same load; ${duringLoad.removed.messages} messages and ${duringLoad.removed.events} events pruned meanwhile` },
        { name: 'accept p99, while pruning', value: pruning.latency.p99, unit: 'ms' },
        { name: 'pruning batch p99', value: last.batch.p99, unit: 'ms', note: `max ${last.batch.max.toFixed(1)} ms over ${last.batch.count} batches of ≤ ${DEFAULT_BATCH_ROWS} rows, on the accepting thread` },
        { name: 'pruning rate', value: (last.removed.messages + last.removed.events) / pruneSeconds, unit: 'rows/s', note: `${last.done ? 'backlog gone' : `cap of ${PRUNE_CAP_SECONDS} s reached`} after ${pruneSeconds.toFixed(0)} s` },
        { name: 'database file, seeded', value: mib(seeded.fileBytes), unit: 'MiB', note: `${rows}; live ${mib(seeded.liveBytes).toFixed(0)} MiB` },
        { name: 'database file, after pruning', value: mib(last.sizes.fileBytes), unit: 'MiB', note: 'SQLite keeps freed pages for reuse; the file does not shrink' },
        { name: 'database live pages, after pruning', value: mib(last.sizes.liveBytes), unit: 'MiB', note: 'page_count − freelist_count' },
      ];
    } finally {
      await child.stop();
    }
  },
};

if (process.env[ROLE_ENV] === '1') await runServer();
