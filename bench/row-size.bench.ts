/**
 * Bytes stored per message on SQLite, by table and index, after the whole flow of BENCH_ROW_MESSAGES messages
 * (default 100,000) driven through the store's own ports: an idempotent accept, the dispatcher's claim, call mark and
 * sent settle, Meta's three status webhooks (sent with pricing, delivered, read) stored raw and applied, the fan-out
 * of the four events to one endpoint, and each delivery's one successful attempt. Then one pruning pass with the
 * default retention, as the gateway's pruner makes every minute (every message, event and attempt is within its
 * horizon: only what is kept for no time at all goes). Sizes come from SQLite's `dbstat` table (pages in use per table
 * and index), after a checkpoint. The process's heap after each tenth of the run (after a collection, when node runs
 * with --expose-gc) shows whether the store keeps anything per message in memory.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Benchmark, BenchFigure as Figure } from './bench.js';
import { openStore, sqliteFileOf, type StoreConfig } from '../src/store/open-store.js';
import { openRetention } from '../src/store/open-retention.js';
import { DEFAULT_RETENTION, RETAINED_TABLES } from '../src/domain/retention.js';
import type { Store } from '../src/store/store.js';
import { parseMetaWebhook } from '../src/webhooks/inbound/parse.js';
import { buildEnvelope, type NumberRef, type StatusPayload } from '../src/simulator/webhook-payload.js';
import type { StatusEvent } from '../src/domain/meta-events.js';

const MESSAGES = Number(process.env['BENCH_ROW_MESSAGES'] ?? 100_000);
const BATCH = 500;
const OWNER = 'row-size-bench';
const LEASE_MS = 60_000;
const NUMBER: NumberRef = { wabaId: '102290129340398', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };

interface Flow {
  readonly store: Store;
  readonly accountId: string;
  readonly numberId: string;
  readonly endpointId: string;
}

async function setUp(store: Store): Promise<Flow> {
  const now = Date.now();
  const account = await store.createAccount({ name: 'rows' }, now);
  const number = await store.createNumber({ ...NUMBER, accountId: account.id }, now);
  const endpoint = await store.webhooks.createEndpoint({ accountId: account.id, url: 'https://hooks.example.com/switchboard', secret: 'whsec_bench_0123456789abcdef' }, now);
  return { store, accountId: account.id, numberId: number.id, endpointId: endpoint.id };
}

const recipient = (i: number) => `4915${String(100_000_000 + i)}`;

/** One POST /v1/messages each, with an Idempotency-Key, as the route sends them. */
async function accept(flow: Flow, from: number, to: number): Promise<void> {
  const now = Date.now();
  await Promise.all(Array.from({ length: to - from }, async (_, k) => {
    const i = from + k;
    const key = `order-${i}-0b9c6f2e`;
    const requestHash = `sha256:${i.toString(16).padStart(64, '0')}`;
    await flow.store.claimIdempotencyKey(flow.accountId, key, requestHash, now);
    const payload = { messaging_product: 'whatsapp', recipient_type: 'individual', to: recipient(i), type: 'template', template: { name: 'order_update', language: { code: 'en_US' } } };
    await flow.store.acceptMessages([{ accountId: flow.accountId, numberId: flow.numberId, to: recipient(i), type: 'template', payload, creditCost: 0 }], now, {
      accountId: flow.accountId, key, requestHash,
      respond: ([r]) => ({ statusCode: 202, body: { id: r?.kind === 'accepted' ? r.id : null, status: 'accepted' } }),
    });
  }));
}

/** Claims, marks and settles every due job as sent; answers the wamid Meta gave each message. */
async function dispatch(flow: Flow): Promise<Map<string, { wamid: string; to: string }>> {
  const sent = new Map<string, { wamid: string; to: string }>();
  for (;;) {
    const now = Date.now();
    const jobs = await flow.store.dispatchQueue.claim({ owner: OWNER, now, leaseMs: LEASE_MS, limit: BATCH });
    if (jobs.length === 0) return sent;
    const tasks = await flow.store.dispatch.loadTasks(jobs, now);
    await flow.store.dispatch.markCalls(OWNER, tasks, now);
    const outcomes = tasks.map((task) => ({ task, at: now, wamid: `wamid.HBgNNDkxNTEx${Buffer.from(task.messageId).toString('base64')}` }));
    await flow.store.dispatch.settleSent(outcomes);
    for (const o of outcomes) sent.set(o.task.messageId, { wamid: o.wamid, to: o.task.to });
  }
}

function statusBody(messageId: string, m: { wamid: string; to: string }, status: StatusPayload['status']): string {
  const pricing = status === 'sent' ? { pricing: { billable: true, pricing_model: 'PMP' as const, category: 'utility', type: 'regular' } } : {};
  const payload: StatusPayload = {
    id: m.wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: m.to, biz_opaque_callback_data: messageId, ...pricing,
  };
  return JSON.stringify(buildEnvelope([{ kind: 'status', number: NUMBER, status: payload }]));
}

/** Meta's statuses, one POST each, stored as they came and then applied as the applier does. */
async function applyStatuses(flow: Flow, sent: ReadonlyMap<string, { wamid: string; to: string }>): Promise<void> {
  const { inbound, health } = flow.store;
  for (const status of ['sent', 'delivered', 'read'] as const) {
    for (const [id, m] of sent) await inbound.saveMetaWebhook(statusBody(id, m, status), Date.now());
    for (;;) {
      const pending = await inbound.pendingMetaWebhooks(200);
      if (pending.length === 0) break;
      const now = Date.now();
      const statuses = pending.flatMap((d) => parseMetaWebhook(JSON.parse(d.body), now)).filter((e): e is StatusEvent => e.kind === 'status');
      await inbound.applyStatuses(statuses.map((s) => ({ status: s, error: s.errors[0] })), now);
      await health.applyPricing(statuses, now);
      await inbound.markMetaWebhooksApplied(pending.map((d) => d.id), now);
    }
  }
}

/** Fans every event out and settles each delivery with one successful attempt. */
async function deliverEvents(flow: Flow): Promise<void> {
  const { webhooks, webhookQueue } = flow.store;
  while ((await webhooks.fanOutEvents(Date.now(), 1000)).events > 0);
  const lane = flow.endpointId;
  for (;;) {
    const now = Date.now();
    await webhookQueue.holdLanes(OWNER, [lane], now, now + LEASE_MS);
    const jobs = await webhookQueue.claim({ owner: OWNER, now, leaseMs: LEASE_MS, limit: BATCH, lane });
    if (jobs.length === 0) return;
    const tasks = await webhooks.loadDeliveries(jobs);
    await webhooks.settleAttempts(tasks.map((task) => ({
      task, url: 'https://hooks.example.com/switchboard', at: Date.now(), next: { kind: 'delivered' as const },
      result: { outcome: { kind: 'delivered' as const }, statusCode: 200, durationMs: 42, excerpt: '{"ok":true}' },
    })));
  }
}

/** Every table once through the pruner's port, with the default horizons, until a batch comes back short. */
async function prunePass(config: StoreConfig): Promise<void> {
  const retention = openRetention(config);
  try {
    for (const table of RETAINED_TABLES) {
      if (table === 'credit_ledger') continue;
      while ((await retention.store.pruneBatch(table, Date.now() - DEFAULT_RETENTION[table], 1000)) === 1000);
    }
  } finally {
    await retention.close();
  }
}

const mib = (bytes: number) => bytes / 2 ** 20;

/** Heap in use now, after a full collection where node allows one. */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

interface ObjectSize { readonly name: string; readonly table: string; readonly kind: 'table' | 'index'; readonly bytes: number }

/** Pages in use per table and index (dbstat), each index under its table. */
function objectSizes(file: string): ObjectSize[] {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const owners = new Map((db.prepare(`SELECT name, tbl_name, type FROM sqlite_schema`).all() as { name: string; tbl_name: string; type: string }[])
      .map((r) => [r.name, r]));
    const rows = db.prepare(`SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name`).all() as { name: string; bytes: number }[];
    return rows.map((r) => {
      const owner = owners.get(r.name);
      return { name: r.name, table: owner?.tbl_name ?? r.name, kind: owner?.type === 'index' ? 'index' : 'table', bytes: r.bytes };
    });
  } finally {
    db.close();
  }
}

/** Per table: its own pages and its indexes' (automatic ones included), per message; the tables that grew only. */
function perMessageFigures(sizes: readonly ObjectSize[], messages: number): Figure[] {
  const tables = new Map<string, { table: number; indexes: { name: string; bytes: number }[] }>();
  for (const s of sizes) {
    const entry = tables.get(s.table) ?? { table: 0, indexes: [] };
    if (s.kind === 'table') entry.table += s.bytes;
    else entry.indexes.push({ name: s.name, bytes: s.bytes });
    tables.set(s.table, entry);
  }
  const figures: Figure[] = [];
  for (const [table, { table: own, indexes }] of [...tables].sort((a, b) => b[1].table - a[1].table)) {
    const indexBytes = indexes.reduce((sum, i) => sum + i.bytes, 0);
    if (own + indexBytes < 64 * 1024) continue;
    const detail = indexes.sort((a, b) => b.bytes - a.bytes).map((i) => `${i.name} ${(i.bytes / messages).toFixed(0)}`).join(', ');
    figures.push({ name: `${table}`, value: (own + indexBytes) / messages, unit: 'B/message', note: `rows ${(own / messages).toFixed(0)}${detail ? `; indexes: ${detail}` : ''}` });
  }
  return figures;
}

export const rowSizeBenchmark: Benchmark = {
  name: 'row-size',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-row-size-'));
    const config = { dataDir, databaseUrl: undefined, secretKey: 'bench-secret-0123456789' };
    const file = sqliteFileOf(config)!;
    const started = Date.now();
    const store = await openStore(config);
    const heap: number[] = [];
    try {
      const flow = await setUp(store);
      const tenth = Math.max(BATCH, Math.floor(MESSAGES / 10 / BATCH) * BATCH);
      for (let from = 0; from < MESSAGES; from += BATCH) {
        await accept(flow, from, Math.min(MESSAGES, from + BATCH));
        await applyStatuses(flow, await dispatch(flow));
        await deliverEvents(flow);
        if ((from + BATCH) % tenth === 0) heap.push(heapUsed());
      }
    } finally {
      await store.close();
    }
    await prunePass(config);
    const seconds = (Date.now() - started) / 1000;
    try {
      const sizes = objectSizes(file);
      const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
      return [
        { name: 'total', value: total / MESSAGES, unit: 'B/message', note: `${MESSAGES.toLocaleString('en')} messages, whole flow in ${seconds.toFixed(0)} s; file ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB` },
        ...perMessageFigures(sizes, MESSAGES),
        { name: 'heap after the first tenth', value: mib(heap[0] ?? 0), unit: 'MiB', note: `then ${heap.map((h) => mib(h).toFixed(0)).join(', ')} MiB after each tenth${'gc' in globalThis ? '' : ' (no --expose-gc: not collected first)'}` },
        { name: 'heap growth, first tenth to end', value: mib((heap.at(-1) ?? 0) - (heap[0] ?? 0)), unit: 'MiB' },
      ];
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
