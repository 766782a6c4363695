/**
 * The customer-webhook delivery loop, after svix's worker: fan events out into deliveries (store transaction), claim
 * due deliveries per endpoint with a lease, post them with a per-endpoint concurrency cap and rate, and settle every
 * attempt (row, next attempt or failure, endpoint streak) in grouped transactions. Each endpoint has its own queue and
 * in-flight cap, so a slow or dead endpoint only ever waits on itself. A worker claims from an endpoint only while it
 * holds the endpoint's lane (a lease in the store), so the cap, the pace and the order hold across worker processes.
 */
import { WorkLoop } from '../../runtime/work-loop.js';
import { paceOf, takePermit } from '../../domain/gcra.js';
import { GroupCommit } from '../../runtime/group-commit.js';
import { decideRedelivery, DEFAULT_DELIVERY_SCHEDULE, shouldDisableEndpoint, type DeliverySchedule } from '../../domain/delivery-schedule.js';
import { buildWebhookPost } from './webhook-message.js';
import type { WebhookSender } from './webhook-sender.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import type { AttemptResult, DeliveryQueue, DeliveryTask, SettledAttempt, SigningEndpoint, WebhookStore } from '../../store/webhook-store.js';

export interface DeliveryWorkerConfig {
  /** Names this worker's leases. */
  readonly owner: string;
  readonly schedule: DeliverySchedule;
  /** Posts in flight to one endpoint at most. */
  readonly perEndpointConcurrency: number;
  /** Deliveries of one endpoint claimed into memory at most. */
  readonly perEndpointBuffer: number;
  /** Posts in flight in all. */
  readonly maxInFlight: number;
  /** Lease of claimed deliveries and of held lanes alike; both are renewed every third of it. */
  readonly leaseMs: number;
  /** Events turned into deliveries per fan-out transaction. */
  readonly fanOutBatch: number;
  /** How often an idle worker looks for new events to fan out. */
  readonly idlePollMs: number;
  /**
   * How often every endpoint is checked for pending deliveries (after a restart, a replay, another worker's retries).
   * Retries this worker scheduled wake it on time without waiting for the scan.
   */
  readonly pendingScanMs: number;
  /** Posts in flight to an endpoint that is failing (no success since its last failure): it holds few slots while down. */
  readonly failingEndpointConcurrency: number;
  /** How long an endpoint's URL, secrets and state are used before being read again. */
  readonly endpointCacheMs: number;
  /** At start, frees the leases of workers whose process is gone (the queue's `releaseAbandoned`) before claiming. */
  readonly reclaimOnStart: boolean;
}

export const DEFAULT_DELIVERY_WORKER_CONFIG: DeliveryWorkerConfig = {
  owner: 'webhooks',
  schedule: DEFAULT_DELIVERY_SCHEDULE,
  perEndpointConcurrency: 16,
  perEndpointBuffer: 256,
  maxInFlight: 1024,
  leaseMs: 60_000,
  fanOutBatch: 500,
  idlePollMs: 50,
  pendingScanMs: 1_000,
  failingEndpointConcurrency: 2,
  endpointCacheMs: 1_000,
  reclaimOnStart: true,
};

/** How long settles are gathered into one transaction. */
const SETTLE_GATHER_MS = 10;

export interface DeliveryWorkerDeps {
  readonly store: WebhookStore;
  /** Claims, leases and hand-backs, lane by endpoint; the store holds what the deliveries carry. */
  readonly queue: DeliveryQueue;
  readonly sender: WebhookSender;
  readonly now: () => number;
  readonly random: () => number;
  readonly config: DeliveryWorkerConfig;
  /** One line per endpoint disabled (and per loop error): the operator must be able to see why. */
  readonly log?: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
  readonly metrics?: GatewayMetrics;
}

export interface DeliveryCounters {
  attempts: number;
  delivered: number;
  retried: number;
  failed: number;
  disabled: number;
}

interface EndpointLane {
  /** This worker holds the lane's lease in the store: only then does it claim the endpoint's deliveries. */
  held: boolean;
  readonly queue: DeliveryTask[];
  /** Attempts started and not yet settled. */
  inFlight: number;
  /** Of those, the posts still waiting for their answer: what the endpoint's concurrency caps. */
  posting: number;
  /** Due deliveries may be waiting in the store. */
  dirty: boolean;
  /** The earliest retry this worker scheduled for the endpoint and has not looked for yet. */
  dueAt: number;
  tat: number;
  endpoint: SigningEndpoint | undefined;
  loadedAt: number;
  failingSince: number | null;
}

export class DeliveryWorker {
  readonly counters: DeliveryCounters = { attempts: 0, delivered: 0, retried: 0, failed: 0, disabled: 0 };
  private readonly lanes = new Map<string, EndpointLane>();
  private readonly settling: GroupCommit<SettledAttempt, void>;
  private readonly inFlight = new Set<Promise<void>>();
  private posting = 0;
  private readonly loop: WorkLoop;
  private nextPollAt = 0;
  private nextScanAt = 0;
  private nextRenewAt = 0;
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    const { config } = deps;
    if (!(config.perEndpointConcurrency >= 1 && config.perEndpointBuffer >= config.perEndpointConcurrency && config.maxInFlight >= 1))
      throw new Error('delivery worker: need perEndpointConcurrency ≥ 1, perEndpointBuffer ≥ perEndpointConcurrency, maxInFlight ≥ 1');
    // A failed tick (a busy database, say) is tried again after a poll interval: the loop must never stop.
    this.loop = new WorkLoop(() => this.tick(), { retryAfterErrorMs: deps.config.idlePollMs, onError: (error) => this.report(error) });
    // A post's slot is free once its answer is in, so nobody waits on a settle: gathering them for a while makes each
    // transaction settle many attempts, and its commit (the same few index pages written whatever the batch) cheap.
    this.settling = new GroupCommit<SettledAttempt, void>({
      maxItems: 500,
      gatherMs: SETTLE_GATHER_MS,
      commit: async (items) => (await deps.store.settleAttempts(items), items.map(() => undefined)),
    });
  }

  async start(): Promise<void> {
    if (this.loop.running) return;
    if (this.deps.config.reclaimOnStart) await this.deps.queue.releaseAbandoned();
    this.loop.start();
  }

  /** New events were written: fan them out now instead of at the next poll. */
  nudge(): void {
    this.nextPollAt = 0;
    this.loop.schedule(0);
  }

  /** Stops claiming, lets posts in flight finish and settle, and hands queued deliveries back to the store. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
    await this.settling.drain();
    const left = [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0).map((t) => t.deliveryId));
    await this.deps.queue.release(left, this.deps.now());
    await this.deps.queue.releaseLanes(this.deps.config.owner, [...this.lanes].filter(([, lane]) => lane.held).map(([id]) => id));
  }

  private report(error: unknown): void {
    this.deps.log?.('error', 'webhook delivery loop failed', { error: error instanceof Error ? error.message : String(error) });
  }

  private lane(endpointId: string): EndpointLane {
    let lane = this.lanes.get(endpointId);
    if (!lane) {
      lane = { held: false, queue: [], inFlight: 0, posting: 0, dirty: true, dueAt: Number.POSITIVE_INFINITY, tat: 0, endpoint: undefined, loadedAt: Number.NEGATIVE_INFINITY, failingSince: null };
      this.lanes.set(endpointId, lane);
    }
    return lane;
  }

  private async tick(): Promise<void> {
    if (!this.loop.running) return;
    const { config, store, queue } = this.deps;
    let now = this.deps.now();
    this.wakeAt = Number.POSITIVE_INFINITY;
    if (now >= this.nextPollAt) {
      this.nextPollAt = now + config.idlePollMs;
      // Bounded: a flood of events must not keep the loop from sending what it already has.
      for (let round = 0; round < 8; round += 1) {
        const { events, endpointIds } = await store.fanOutEvents(now, config.fanOutBatch);
        for (const id of endpointIds) this.lane(id).dirty = true;
        if (events < config.fanOutBatch) break;
        this.nextPollAt = 0;
      }
    }
    if (now >= this.nextScanAt) {
      this.nextScanAt = now + config.pendingScanMs;
      for (const id of await store.endpointsWithPendingDeliveries()) this.lane(id).dirty = true;
    }
    now = this.deps.now();
    await this.renewLeases(now);
    await this.takeLanes(now);
    const handBack: string[] = [];
    for (const [endpointId, lane] of this.lanes) {
      if (!this.loop.running) break;
      if (!lane.held) {
        // Another worker works this endpoint; the pending scan asks for it again.
        this.lanes.delete(endpointId);
        continue;
      }
      if (lane.dueAt <= now) {
        lane.dirty = true;
        lane.dueAt = Number.POSITIVE_INFINITY;
      }
      this.wakeAt = Math.min(this.wakeAt, lane.dueAt);
      if (!(await this.refreshEndpoint(endpointId, lane, now))) continue;
      if (this.wantsClaim(lane)) {
        const room = this.room(lane);
        const jobs = await queue.claim({ owner: config.owner, now, leaseMs: config.leaseMs, limit: room, lane: endpointId });
        const tasks = await store.loadDeliveries(jobs);
        lane.queue.push(...tasks);
        if (tasks.length > 0) this.nextRenewAt ||= now + config.leaseMs / 3;
        lane.dirty = jobs.length === room;
      }
      this.pump(endpointId, lane, now);
      const idle = lane.queue.length === 0 && lane.inFlight === 0 && !lane.dirty && lane.dueAt === Number.POSITIVE_INFINITY;
      if (idle && now - lane.loadedAt > config.endpointCacheMs) {
        this.lanes.delete(endpointId);
        handBack.push(endpointId);
      }
    }
    await queue.releaseLanes(config.owner, handBack);
    if (!this.loop.running) return;
    const busy = [...this.lanes.values()].some((l) => this.wantsClaim(l));
    this.loop.schedule(Math.min(this.wakeAt, busy ? now + 5 : this.nextPollAt) - this.deps.now());
  }

  private room(lane: EndpointLane): number {
    return this.deps.config.perEndpointBuffer - lane.queue.length - lane.inFlight;
  }

  /**
   * Claims wait until the queue is down to a round of posts, then fill the buffer: a claim (a transaction, and a load)
   * then brings a buffer's worth rather than the few deliveries that finished since the last one.
   */
  private wantsClaim(lane: EndpointLane): boolean {
    return lane.dirty && this.room(lane) > 0 && lane.queue.length <= this.deps.config.perEndpointConcurrency;
  }

  /** Reloads the endpoint when its cache lapsed; an endpoint gone or disabled loses its queue (the store failed them). */
  private async refreshEndpoint(endpointId: string, lane: EndpointLane, now: number): Promise<boolean> {
    if (now - lane.loadedAt >= this.deps.config.endpointCacheMs) {
      lane.endpoint = await this.deps.store.getSigningEndpoint(endpointId, now);
      lane.loadedAt = now;
      if (lane.endpoint && lane.inFlight === 0) lane.failingSince = lane.endpoint.failingSince;
    }
    if (lane.endpoint?.enabled) return true;
    lane.queue.length = 0;
    lane.dirty = false;
    return false;
  }

  private pump(endpointId: string, lane: EndpointLane, now: number): void {
    const { config } = this.deps;
    const endpoint = lane.endpoint;
    if (!endpoint?.enabled) return;
    const concurrency = lane.failingSince === null ? config.perEndpointConcurrency : Math.min(config.failingEndpointConcurrency, config.perEndpointConcurrency);
    while (lane.queue.length > 0 && lane.posting < concurrency && this.posting < config.maxInFlight) {
      if (endpoint.rateLimitPerSecond !== null) {
        const permit = takePermit(paceOf(endpoint.rateLimitPerSecond), lane.tat, now);
        if (!permit.granted) {
          this.wakeAt = Math.min(this.wakeAt, permit.retryAt);
          break;
        }
        lane.tat = permit.tat;
      }
      const task = lane.queue.shift() as DeliveryTask;
      lane.inFlight += 1;
      lane.posting += 1;
      this.posting += 1;
      this.track(this.attempt(endpointId, lane, endpoint, task), endpointId, lane);
    }
  }

  private track(work: Promise<void>, endpointId: string, lane: EndpointLane): void {
    const tracked = work
      .catch((error: unknown) => this.report(error))
      .finally(() => {
        this.inFlight.delete(tracked);
        lane.inFlight -= 1;
        if (!this.loop.running) return;
        // Keep this endpoint's own queue moving without waiting for a tick; claims happen in the tick.
        this.pump(endpointId, lane, this.deps.now());
        if (this.wantsClaim(lane) || (lane.queue.length === 0 && lane.inFlight === 0)) this.loop.schedule(0);
      });
    this.inFlight.add(tracked);
  }

  private async attempt(endpointId: string, lane: EndpointLane, endpoint: SigningEndpoint, task: DeliveryTask): Promise<void> {
    const settled = await this.post(endpointId, lane, endpoint, task);
    await this.settling.submit(settled);
    const { result, at, next } = settled;
    this.deps.metrics?.customerWebhookAttempt(next.kind, result.durationMs / 1000);
    if (next.kind === 'delivered') {
      this.counters.delivered += 1;
      return;
    }
    if (next.kind === 'retry') {
      this.counters.retried += 1;
      lane.dueAt = Math.min(lane.dueAt, next.at);
      if (next.at <= at) lane.dirty = true;
    } else this.counters.failed += 1;
    if (lane.failingSince !== null && shouldDisableEndpoint(lane.failingSince, at, this.deps.config.schedule)) await this.disable(endpointId, lane, result, at);
  }

  /** Posts and decides what comes next; the endpoint's slot is free again as soon as the answer is in. */
  private async post(endpointId: string, lane: EndpointLane, endpoint: SigningEndpoint, task: DeliveryTask): Promise<SettledAttempt> {
    const { sender, now } = this.deps;
    try {
      const message = buildWebhookPost(endpoint.url, endpoint.secrets, { id: task.eventId, type: task.eventType, at: task.eventAt, dataJson: task.data }, now());
      const result = await sender.post(message);
      this.counters.attempts += 1;
      const at = now();
      const next = this.decideNext(task, result, at);
      // Before the slot is given back: the next post's concurrency depends on whether the endpoint is failing.
      if (next.kind === 'delivered') lane.failingSince = null;
      else lane.failingSince ??= at;
      return { task, url: endpoint.url, result, at, next };
    } finally {
      lane.posting -= 1;
      this.posting -= 1;
      if (this.loop.running) this.pump(endpointId, lane, now());
    }
  }

  private decideNext(task: DeliveryTask, result: AttemptResult, at: number): SettledAttempt['next'] {
    if (result.outcome.kind === 'delivered') return { kind: 'delivered' };
    // A replay is one more try on request, never the start of a new schedule.
    if (task.trigger === 'manual') return { kind: 'failed' };
    const decision = decideRedelivery(result.outcome, task.attempts + 1, at, this.deps.config.schedule, this.deps.random);
    return decision.kind === 'retry' ? { kind: 'retry', at: decision.at } : { kind: 'failed' };
  }

  private async disable(endpointId: string, lane: EndpointLane, last: AttemptResult, at: number): Promise<void> {
    const since = new Date(lane.failingSince ?? at).toISOString();
    const lastSaid = last.statusCode !== null ? `HTTP ${last.statusCode}` : `${last.outcome.kind}${last.excerpt ? `: ${last.excerpt}` : ''}`;
    const reason = `no delivery succeeded since ${since} (last attempt: ${lastSaid})`;
    // Attempts settle before the endpoint is disabled, so the store sees every outcome before failing what is left.
    await this.settling.drain();
    if (!(await this.deps.store.disableEndpoint(endpointId, reason, at))) return;
    this.counters.disabled += 1;
    lane.queue.length = 0;
    lane.dirty = false;
    lane.loadedAt = Number.NEGATIVE_INFINITY;
    this.deps.log?.('warn', 'webhook endpoint disabled', { endpointId, url: lane.endpoint?.url, reason });
    this.nudge();
  }

  /**
   * Held lanes keep their lease while this worker works them, and queued deliveries theirs while they wait in memory,
   * so no other worker takes either. A lane lost meanwhile (its lease lapsed and another worker took it) is given up
   * with its queue; posts already in flight finish.
   */
  private async renewLeases(now: number): Promise<void> {
    if (this.nextRenewAt === 0 || now < this.nextRenewAt) return;
    const { config, queue } = this.deps;
    this.nextRenewAt = now + config.leaseMs / 3;
    const heldIds = [...this.lanes].filter(([, lane]) => lane.held).map(([id]) => id);
    const kept = new Set(await queue.holdLanes(config.owner, heldIds, now, now + config.leaseMs));
    const lost: string[] = [];
    for (const id of heldIds) {
      if (kept.has(id)) continue;
      const lane = this.lanes.get(id) as EndpointLane;
      lane.held = false;
      lost.push(...lane.queue.splice(0).map((t) => t.deliveryId));
    }
    if (lost.length > 0) await queue.release(lost, now);
    const ids = [...this.lanes.values()].flatMap((lane) => lane.queue.map((t) => t.deliveryId));
    if (ids.length > 0) await queue.renew(config.owner, ids, now + config.leaseMs);
  }

  /** Takes the lanes with work waiting that this worker does not hold yet; those another worker holds stay its. */
  private async takeLanes(now: number): Promise<void> {
    const { config, queue } = this.deps;
    const wanted = [...this.lanes].filter(([, lane]) => !lane.held && (lane.dirty || lane.dueAt <= now)).map(([id]) => id);
    if (wanted.length === 0) return;
    const taken = await queue.holdLanes(config.owner, wanted, now, now + config.leaseMs);
    for (const id of taken) (this.lanes.get(id) as EndpointLane).held = true;
    if (taken.length > 0) this.nextRenewAt ||= now + config.leaseMs / 3;
  }
}
