/**
 * The delivery loop with a scripted sender on a real store: isolation, concurrency caps (within one worker and between
 * two), rate, slow-down, stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { DEFAULT_DELIVERY_WORKER_CONFIG, DeliveryWorker, type DeliveryWorkerConfig } from './delivery-worker.js';
import type { WebhookPost, WebhookSender } from './webhook-sender.js';
import type { AttemptResult, DeliveryQueue, SettledAttempt, WebhookStore } from '../../store/webhook-store.js';
import { testDatabaseUrl } from '../../../test/helpers/test-database.js';

const SECRET = 'whsec_' + Buffer.alloc(24, 5).toString('base64');
const OK: AttemptResult = { outcome: { kind: 'delivered' }, statusCode: 200, durationMs: 1, excerpt: '' };

/** Answers each post with what `answer` returns for its URL; records posts and the concurrency seen per URL. */
class ScriptedSender implements WebhookSender {
  readonly posts: WebhookPost[] = [];
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  constructor(private readonly answer: (url: string) => Promise<AttemptResult>) {}
  async post(message: WebhookPost): Promise<AttemptResult> {
    this.posts.push(message);
    const now = (this.inFlight.get(message.url) ?? 0) + 1;
    this.inFlight.set(message.url, now);
    this.maxInFlight.set(message.url, Math.max(now, this.maxInFlight.get(message.url) ?? 0));
    try {
      return await this.answer(message.url);
    } finally {
      this.inFlight.set(message.url, (this.inFlight.get(message.url) ?? 1) - 1);
    }
  }
  async close(): Promise<void> {}
  count(url: string): number {
    return this.posts.filter((p) => p.url === url).length;
  }
}

let dataDir: string;
let store: Store;
let accountId: string;
let numberId: string;
const workers: DeliveryWorker[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-delivery-worker-'));
  store = await openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir), secretKey: 'test-secret-key-0123456789' });
  accountId = (await store.createAccount({ name: 'a' }, Date.now())).id;
  numberId = (await store.createNumber({ phoneNumberId: '1001', displayPhoneNumber: '+1', wabaId: '2001', accountId }, Date.now())).id;
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function worker(
  sender: WebhookSender, config: Partial<DeliveryWorkerConfig> = {}, ports: { webhooks?: WebhookStore; queue?: DeliveryQueue } = {},
): DeliveryWorker {
  const w = new DeliveryWorker({
    store: ports.webhooks ?? store.webhooks, queue: ports.queue ?? store.webhookQueue, sender, now: Date.now, random: () => 0.5,
    config: { ...DEFAULT_DELIVERY_WORKER_CONFIG, idlePollMs: 10, schedule: { retriesMs: [10, 10], disableAfterMs: 3_600_000 }, ...config },
  });
  workers.push(w);
  return w;
}

async function accept(count: number): Promise<void> {
  await store.acceptMessages(
    Array.from({ length: count }, (_, i) => ({ accountId, numberId, to: `4915100000${i}`, type: 'text' as const, payload: { type: 'text' }, creditCost: 0 })),
    Date.now(),
  );
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const endpoint = (url: string, extra: { rateLimitPerSecond?: number } = {}) => store.webhooks.createEndpoint({ accountId, url, secret: SECRET, ...extra }, Date.now());

describe('DeliveryWorker', () => {
  it('keeps each endpoint within its concurrency while a stuck endpoint holds nobody else up', async () => {
    const stuck = 'https://stuck.example/h';
    const quick = 'https://quick.example/h';
    const release: (() => void)[] = [];
    const sender = new ScriptedSender((url) => (url === stuck ? new Promise((ok) => release.push(() => ok(OK))) : Promise.resolve(OK)));
    await endpoint(stuck);
    await endpoint(quick);
    await accept(40);
    await worker(sender, { perEndpointConcurrency: 3, perEndpointBuffer: 10 }).start();
    await until(() => sender.count(quick) === 40);
    expect(sender.count(stuck)).toBe(3);
    expect(sender.maxInFlight.get(quick)).toBeLessThanOrEqual(3);
    for (let i = 0; i < 40; i += 1) {
      await until(() => release.length > 0);
      release.shift()!();
    }
    await until(() => sender.count(stuck) === 40);
    expect(sender.maxInFlight.get(stuck)).toBe(3);
  });

  it('keeps an endpoint within its concurrency between two workers: one holds its lane, the other takes it once handed back', async () => {
    const url = 'https://shared.example/h';
    const sender = new ScriptedSender(() => new Promise((ok) => setTimeout(() => ok(OK), 15)));
    await endpoint(url);
    await accept(30);
    const config = { perEndpointConcurrency: 2, perEndpointBuffer: 4, pendingScanMs: 20 };
    // Where one process owns the store, a starting worker frees every lease: the second one must not start that way.
    const [first, second] = [worker(sender, { ...config, owner: 'first' }), worker(sender, { ...config, owner: 'second', reclaimOnStart: false })];
    await Promise.all([first.start(), second.start()]);
    await until(() => first.counters.delivered + second.counters.delivered === 30, 10_000);
    expect(sender.maxInFlight.get(url)).toBe(2);
    expect(sender.count(url)).toBe(30);
    const holder = first.counters.delivered > 0 ? first : second;
    const other = holder === first ? second : first;
    expect(other.counters.delivered).toBe(0);
    await holder.stop();
    await accept(5);
    other.nudge();
    await until(() => other.counters.delivered === 5);
  });

  it('lets a failing endpoint hold only a couple of posts in flight until it succeeds again', async () => {
    const url = 'https://down.example/h';
    let failing = true;
    let watching = false;
    let seen = 0;
    const sender = new ScriptedSender(async () => {
      if (watching) seen = Math.max(seen, sender.inFlight.get(url) ?? 0);
      await new Promise((r) => setTimeout(r, 10));
      return failing ? { outcome: { kind: 'status', status: 503 }, statusCode: 503, durationMs: 10, excerpt: '' } : OK;
    });
    await endpoint(url);
    await accept(30);
    const w = worker(sender, { schedule: { retriesMs: Array(50).fill(20), disableAfterMs: 3_600_000 } });
    await w.start();
    await until(() => w.counters.retried >= 30); // the first wave, sent at full concurrency, has failed
    watching = true;
    await until(() => w.counters.retried >= 90);
    expect(seen).toBeLessThanOrEqual(2);
    failing = false;
    await until(() => w.counters.delivered === 30);
  });

  it('paces an endpoint to its rate limit', async () => {
    const sender = new ScriptedSender(() => Promise.resolve(OK));
    await endpoint('https://paced.example/h', { rateLimitPerSecond: 50 });
    await accept(20);
    const started = Date.now();
    await worker(sender).start();
    await until(() => sender.count('https://paced.example/h') === 20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(19 * 20 - 30);
  });

  it('waits at least a minute after a timeout, however short the schedule', async () => {
    const sender = new ScriptedSender(() => Promise.resolve({ outcome: { kind: 'timeout' }, statusCode: null, durationMs: 15_000, excerpt: 'timed out' }));
    const ep = await endpoint('https://slow.example/h');
    await accept(1);
    const w = worker(sender);
    await w.start();
    await until(() => w.counters.retried === 1);
    await new Promise((r) => setTimeout(r, 50));
    const [attempt] = (await store.webhooks.listAttempts(ep.id, { limit: 5 })).attempts;
    expect(attempt).toMatchObject({ outcome: { kind: 'timeout' }, trigger: 'scheduled' });
    expect(attempt!.nextAttemptAt! - attempt!.createdAt).toBeGreaterThanOrEqual(60_000);
    expect(sender.posts).toHaveLength(1);
  });

  it('posts the next delivery while the attempts before it wait to be settled', async () => {
    const sender = new ScriptedSender(() => Promise.resolve(OK));
    let holding = true;
    const held: (() => void)[] = [];
    const webhooks: WebhookStore = Object.create(store.webhooks);
    webhooks.settleAttempts = (settled: readonly SettledAttempt[]) => holding
      ? new Promise<void>((done) => held.push(() => void store.webhooks.settleAttempts(settled).then(done)))
      : store.webhooks.settleAttempts(settled);
    await endpoint('https://a.example/h');
    await accept(5);
    const w = worker(sender, { perEndpointConcurrency: 1, perEndpointBuffer: 5 }, { webhooks });
    await w.start();
    await until(() => sender.posts.length === 5);
    expect(w.counters.delivered).toBe(0);
    holding = false;
    while (held.length > 0) held.shift()!();
    await until(() => w.counters.delivered === 5);
    expect(await store.webhooks.countBacklog(accountId)).toBe(0);
  });

  it('claims a buffer\'s worth once the queue runs low, not the few deliveries finished since the last claim', async () => {
    const sender = new ScriptedSender(() => new Promise((ok) => setTimeout(() => ok(OK), 5)));
    let claims = 0;
    const queue: DeliveryQueue = Object.create(store.webhookQueue);
    queue.claim = (request) => ((claims += 1), store.webhookQueue.claim(request));
    await endpoint('https://a.example/h');
    await accept(200);
    const w = worker(sender, { perEndpointConcurrency: 4, perEndpointBuffer: 100 }, { queue });
    await w.start();
    await until(() => w.counters.delivered === 200);
    // Claiming at every chance took 14 claims here; at least 3 are needed (two buffers, then an empty one).
    expect(claims).toBeLessThanOrEqual(6);
  });

  it('hands the deliveries it holds back to the store when stopped, for the next worker', async () => {
    const stuck = new ScriptedSender(() => new Promise((ok) => setTimeout(() => ok(OK), 100)));
    await endpoint('https://a.example/h');
    await accept(30);
    const first = worker(stuck, { perEndpointConcurrency: 2, perEndpointBuffer: 20, reclaimOnStart: false });
    await first.start();
    await until(() => stuck.posts.length === 2);
    await first.stop();
    const delivered = first.counters.delivered;
    expect(delivered).toBe(2);
    const second = new ScriptedSender(() => Promise.resolve(OK));
    const next = worker(second, { reclaimOnStart: false });
    await next.start();
    await until(() => next.counters.delivered === 28);
    expect(second.posts).toHaveLength(28);
    expect(await store.webhooks.countBacklog(accountId)).toBe(0);
  });
});
