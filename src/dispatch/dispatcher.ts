/**
 * The dispatch loop: claims due jobs from the store with a lease, queues them per number, sends each when its
 * number's and pair's pace allow and the upstream's circuit is closed, and settles every answer through the catalog.
 * A job waiting for a permit only waits; only an answer from upstream can fail it.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkLoop } from '../runtime/work-loop.js';
import { gatewayEntry } from '../catalog/catalog.js';
import { hasExpired } from '../domain/delivery.js';
import { GroupCommit } from '../runtime/group-commit.js';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from '../domain/retry-policy.js';
import { CircuitBreakers, DEFAULT_CIRCUIT_BREAKER_CONFIG, type CircuitBreakerConfig } from './circuit-breaker.js';
import type { CallMark, DispatchQueue, DispatchStore, DispatchTask, NumberRoute, SentOutcome } from '../store/dispatch-store.js';
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import type { SendPermit, SendPermits } from './send-permits.js';
import { applyFailureDecision, decideAfterFailure, isOutage } from './settle-outcome.js';
import type { SendOutcome, UpstreamTarget } from './upstream-client.js';
import type { CircuitReading, GatewayMetrics } from '../observability/metrics.js';

export interface DispatcherConfig {
  /** Names this worker's leases. */
  readonly owner: string;
  /** Graph base URL: the embedded simulator by default, https://graph.facebook.com in production. */
  readonly upstreamBaseUrl: string;
  readonly apiVersion: string;
  readonly leaseMs: number;
  readonly claimBatch: number;
  /** Claimed jobs kept in memory at most; beyond it the loop stops claiming. */
  readonly maxBuffered: number;
  /** Upstream calls in flight at most. */
  readonly maxInFlight: number;
  /** How often an idle loop looks for due jobs (accepts also nudge it). */
  readonly idlePollMs: number;
  /**
   * How long a job whose call was cut short (by a crash, or by a timeout or reset after the request was written)
   * waits for a status webhook to prove it was sent before it is sent again.
   */
  readonly recoveryGraceMs: number;
  /** At start, frees the leases of workers whose process is gone (the queue's `releaseAbandoned`) before claiming. */
  readonly reclaimOnStart: boolean;
  /**
   * Where other processes share the queue and may die while this one runs: how often their abandoned leases are freed
   * again, so their work is taken over without waiting for the leases to run out (0: only at start).
   */
  readonly reclaimEveryMs: number;
  /** How often messages whose validity passed are ended as `expired` wherever they wait (held numbers included). */
  readonly expirySweepMs: number;
  /** A pair refusal longer than this hands the job back to the store instead of holding it in memory. */
  readonly pairHoldMs: number;
  readonly retry: RetrySchedule;
  readonly breaker: CircuitBreakerConfig;
}

export const DEFAULT_DISPATCHER_CONFIG: DispatcherConfig = {
  owner: 'dispatcher',
  upstreamBaseUrl: 'https://graph.facebook.com',
  apiVersion: 'v21.0',
  leaseMs: 30_000,
  claimBatch: 500,
  maxBuffered: 4_000,
  maxInFlight: 256,
  idlePollMs: 50,
  recoveryGraceMs: 10_000,
  reclaimOnStart: true,
  reclaimEveryMs: 0,
  expirySweepMs: 1_000,
  pairHoldMs: 2_000,
  retry: DEFAULT_RETRY_SCHEDULE,
  breaker: DEFAULT_CIRCUIT_BREAKER_CONFIG,
};

export interface Sender {
  sendMessage(target: UpstreamTarget, body: unknown): Promise<SendOutcome>;
}

/** The refusal of a message that waited as scheduled, now that it is due, or undefined when it may go. */
export type DueCheck = (task: DispatchTask, now: number) => Promise<SwitchboardError | undefined>;

export interface DispatcherDeps {
  readonly store: DispatchStore;
  /** Claims, leases and hand-backs; the store holds what the jobs are about. */
  readonly queue: DispatchQueue;
  readonly upstream: Sender;
  /** Pace, pair and call-cap permits: this process's memory, or Redis shared by every process. */
  readonly permits: SendPermits;
  readonly now: () => number;
  readonly random: () => number;
  readonly config: DispatcherConfig;
  readonly onError?: (error: unknown) => void;
  readonly metrics?: GatewayMetrics;
  /** Whether a message that waited as scheduled may still go (app/due-preflight.ts); absent = it may. */
  readonly recheckDue?: DueCheck;
}

export interface DispatcherCounters {
  calls: number;
  sent: number;
  retried: number;
  failed: number;
  held: number;
  recovered: number;
}

const ROUTE_TTL_MS = 2_000;
const SETTLE_GATHER_MS = 25;

/** Where a task of `rank` goes in a queue kept in rank order: after every task that ranks the same or better. */
function rankedIndex(queue: readonly DispatchTask[], rank: number): number {
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((queue[middle] as DispatchTask).rank <= rank) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class Dispatcher {
  readonly counters: DispatcherCounters = { calls: 0, sent: 0, retried: 0, failed: 0, held: 0, recovered: 0 };
  private readonly queues = new Map<string, DispatchTask[]>();
  private readonly routes = new Map<string, { route: NumberRoute | undefined; loadedAt: number }>();
  /** Jobs that have their permit and call mark and wait for their number's call cap: their leases are renewed too. */
  private readonly waitingForCallSlot = new Set<DispatchTask>();
  /** The permits could not be asked (shared limits unreachable): no number asks again before this, so a tick stays short. */
  private permitsAwayUntil = 0;
  private readonly breakers: CircuitBreakers;
  /** Answers whether each message moved to sent (a status webhook may have moved it first). */
  private readonly sent: GroupCommit<SentOutcome, boolean>;
  /** Marks calls durably, in batches, right before they go out, re-reading each job as it does. */
  private readonly marks: GroupCommit<DispatchTask, CallMark>;
  private nextReclaimAt = 0;
  private nextExpirySweepAt = 0;
  private probeFedAt = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** The circuit breaker's key: every number sends to the same upstream host. */
  private readonly upstreamHost: string;
  private buffered = 0;
  private readonly loop: WorkLoop;
  private wakeAt = 0;
  private nextClaimAt = 0;
  private nextRenewAt = 0;

  constructor(private readonly deps: DispatcherDeps) {
    const { store, config } = deps;
    this.upstreamHost = new URL(config.upstreamBaseUrl).host;
    this.breakers = new CircuitBreakers(config.breaker);
    this.loop = new WorkLoop(() => this.tick(), { retryAfterErrorMs: config.idlePollMs, onError: (error) => deps.onError?.(error) });
    // 25 ms of answers settle together: at 1,000 msg/s a settle of 25 outcomes cost 60 µs of CPU a message, one of 10
    // (gathered for 10 ms) 98 µs, and there are 60 % fewer commits. Nobody waits on it: the calls have been made.
    this.sent = new GroupCommit<SentOutcome, boolean>({ maxItems: 500, gatherMs: SETTLE_GATHER_MS, commit: (outcomes) => store.settleSent(outcomes) });
    this.marks = new GroupCommit<DispatchTask, CallMark>({ maxItems: 500, commit: (tasks) => store.markCalls(config.owner, tasks, deps.now()) });
  }

  start(): void {
    this.loop.start();
  }

  /** The circuit of the upstream host this dispatcher sends to. */
  circuits(): CircuitReading[] {
    return [{ host: this.upstreamHost, open: this.breakers.state(this.upstreamHost) === 'open' }];
  }

  /** New work was accepted: look for it now instead of at the next poll. */
  nudge(): void {
    this.nextClaimAt = 0;
    this.loop.schedule(0);
  }

  /** Stops claiming, lets calls in flight finish and settle, and hands queued jobs back to the store. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
    await this.sent.drain();
    const now = this.deps.now();
    const left = [...this.queues.values()].flat();
    this.queues.clear();
    this.buffered = 0;
    await this.handBack(left, now, now);
  }

  /** Gives jobs back unsent (no attempt counted): their messages first, while the jobs are still this worker's. */
  private async handBack(tasks: readonly DispatchTask[], dueAt: number, now: number): Promise<void> {
    if (tasks.length === 0) return;
    await this.deps.store.unclaimTasks(tasks, now);
    await this.deps.queue.release(tasks.map((task) => task.jobId), dueAt);
  }

  private async tick(): Promise<void> {
    const now = this.deps.now();
    const { reclaimOnStart, reclaimEveryMs } = this.deps.config;
    if (reclaimOnStart && now >= this.nextReclaimAt) {
      this.nextReclaimAt = reclaimEveryMs > 0 ? now + reclaimEveryMs : Number.POSITIVE_INFINITY;
      await this.deps.queue.releaseAbandoned();
    }
    await this.sweepExpired(now);
    await this.feedProbe(now);
    await this.claim(now);
    await this.renewLeases(now);
    this.wakeAt = now + this.deps.config.idlePollMs;
    for (const numberId of [...this.queues.keys()]) await this.pump(numberId, this.deps.now());
    const next = this.buffered > 0 || this.inFlight.size > 0 ? Math.min(this.wakeAt, now + 5) : Math.min(this.wakeAt, this.nextClaimAt);
    this.loop.schedule(next - this.deps.now());
  }

  private async sweepExpired(now: number): Promise<void> {
    if (now < this.nextExpirySweepAt) return;
    this.nextExpirySweepAt = now + this.deps.config.expirySweepMs;
    await this.deps.store.expireOverdue(now, this.deps.config.claimBatch);
  }

  private async claim(now: number): Promise<void> {
    const { config, store, queue } = this.deps;
    if (now < this.nextClaimAt) return;
    const room = config.maxBuffered - this.buffered;
    // A full buffer still takes high-lane jobs (up to one more claim batch): they go before everything it holds, so
    // waiting for room behind thousands of bulk jobs would defeat their lane.
    const highOnly = room <= 0;
    const limit = highOnly ? Math.max(0, config.maxBuffered + config.claimBatch - this.buffered) : Math.min(room, config.claimBatch);
    if (limit === 0) return;
    const request = { owner: config.owner, now, leaseMs: config.leaseMs, limit };
    const jobs = highOnly ? await queue.claimHighLane(request) : await queue.claim(request);
    if (jobs.length < limit) this.nextClaimAt = now + config.idlePollMs;
    const tasks = await store.loadTasks(this.notHeld(jobs), now);
    for (const task of tasks) {
      const refusal = task.recheck ? await this.deps.recheckDue?.(task, now) : undefined;
      if (refusal) this.track(this.failBeforeCall(task, refusal));
      else this.enqueue(task);
    }
    if (tasks.length > 0) this.nextRenewAt ||= now + config.leaseMs / 3;
  }

  /**
   * An open circuit probes with a job at hand. When every job waits out a backoff in the store, the earliest of those
   * put back by the outage is made due now to be that probe, so the outage's end is noticed within a probe interval.
   */
  private async feedProbe(now: number): Promise<void> {
    if (this.buffered > 0 || now < this.probeFedAt + this.deps.config.breaker.probeIntervalMs) return;
    if (!this.breakers.probeDue(this.upstreamHost, now)) return;
    this.probeFedAt = now;
    this.nextClaimAt = 0;
    await this.deps.queue.releaseUpstreamWaits(now, 1);
  }

  /**
   * A tick slower than the renewal period lets this worker's own leases lapse, and its next claim returns jobs it still
   * holds in memory: those are queued once already.
   */
  private notHeld<T extends { readonly id: string }>(jobs: readonly T[]): readonly T[] {
    if (jobs.length === 0) return jobs;
    const held = new Set(this.heldJobIds());
    return jobs.filter((job) => !held.has(job.id));
  }

  /** Jobs claimed and not yet sent: queued for a permit, or holding one while they wait for a call slot. */
  private heldJobIds(): string[] {
    return [...this.queues.values(), this.waitingForCallSlot].flatMap((tasks) => [...tasks].map((t) => t.jobId));
  }

  /** Into its number's queue by rank, as the store claims: a later claim's high job goes ahead of earlier bulk ones. */
  private enqueue(task: DispatchTask): void {
    const queue = this.queues.get(task.numberId) ?? [];
    queue.splice(rankedIndex(queue, task.rank), 0, task);
    this.queues.set(task.numberId, queue);
    this.buffered += 1;
  }

  /** Jobs still queued in memory must not be reclaimed by another worker while they wait for a permit. */
  private async renewLeases(now: number): Promise<void> {
    if (this.nextRenewAt === 0 || now < this.nextRenewAt) return;
    const { config, queue } = this.deps;
    this.nextRenewAt = now + config.leaseMs / 3;
    const ids = this.heldJobIds();
    if (ids.length > 0) await queue.renew(config.owner, ids, now + config.leaseMs);
  }

  private async routeFor(numberId: string, now: number): Promise<NumberRoute | undefined> {
    const cached = this.routes.get(numberId);
    if (cached && now - cached.loadedAt < ROUTE_TTL_MS) return cached.route;
    const route = await this.deps.store.getSendRoute(numberId);
    this.routes.set(numberId, { route, loadedAt: now });
    return route;
  }

  private take(queue: DispatchTask[], index: number): DispatchTask {
    const [task] = queue.splice(index, 1);
    this.buffered -= 1;
    return task as DispatchTask;
  }

  private async pump(numberId: string, now: number): Promise<void> {
    const claimed = this.queues.get(numberId);
    if (!claimed) return;
    const route = await this.routeFor(numberId, now);
    if (!route || route.paused || (route.heldUntil ?? 0) > now) {
      // Held while these were claimed: give them back, due now; the store's hold keeps them until it ends (or until the
      // probe is answered: the one job the store let out of a hold that ran out, which goes on).
      const goesBack = (task: DispatchTask): boolean => !task.probe || !route || route.paused;
      const back = claimed.filter(goesBack);
      this.queues.set(numberId, claimed.filter((task) => !goesBack(task)));
      this.buffered -= back.length;
      await this.handBack(back, now, now);
    }
    const queue = this.queues.get(numberId) ?? [];
    if (!route || queue.length === 0) {
      this.queues.delete(numberId);
      return;
    }
    let index = 0;
    while (index < queue.length && this.inFlight.size < this.deps.config.maxInFlight) {
      const task = queue[index] as DispatchTask;
      if (task.wamid !== null) {
        this.track(this.settleSent(this.take(queue, index), task.wamid));
        continue;
      }
      if (hasExpired(task.expiresAt, now)) {
        this.track(this.settleExpired(this.take(queue, index)));
        continue;
      }
      if (task.interrupted) {
        this.take(queue, index);
        this.counters.recovered += 1;
        this.track(this.handBack([task], now + this.deps.config.recoveryGraceMs, now));
        continue;
      }
      // The circuit first: a job that may not call must not use up its number's or its recipient's pace meanwhile.
      const call = this.breakers.allowCall(this.upstreamHost, now);
      if (!call.allowed || now < this.permitsAwayUntil) {
        this.wakeAt = Math.min(this.wakeAt, call.allowed ? this.permitsAwayUntil : call.retryAt);
        break;
      }
      const batch = this.permitBatch(queue, index, call.probe ? 1 : this.deps.config.maxInFlight - this.inFlight.size, now);
      const permits = await this.deps.permits.take(numberId, route.maxMps, batch.map((t) => t.to));
      if (call.probe && !permits[0]?.granted) this.breakers.forgoProbe(this.upstreamHost);
      const next = this.applyPermits(queue, index, permits, route, call.probe);
      if (next === undefined) break;
      index = next;
    }
    if (queue.length === 0) this.queues.delete(numberId);
  }

  /** The jobs from `index` on that need a permit, up to the first that does not (a settle, a recovery, an expiry) and `room`. */
  private permitBatch(queue: readonly DispatchTask[], index: number, room: number, now: number): DispatchTask[] {
    let end = index;
    const needsPermit = (task: DispatchTask | undefined) => task !== undefined && task.wamid === null && !task.interrupted && !hasExpired(task.expiresAt, now);
    while (end < queue.length && end - index < room && needsPermit(queue[end])) end += 1;
    return queue.slice(index, end);
  }

  /**
   * Sends the granted jobs of a batch that starts at `index`, leaves those their pair holds briefly, hands back those
   * it holds long. Answers where the queue goes on, or undefined when the number refused (or could not be asked).
   */
  private applyPermits(queue: DispatchTask[], index: number, permits: readonly SendPermit[], route: NumberRoute, probe: boolean): number | undefined {
    const now = this.deps.now();
    for (const permit of permits) {
      if (permit.granted) {
        this.track(this.send(this.take(queue, index), route, this.upstreamHost, probe));
        continue;
      }
      this.deps.metrics?.permitWait(permit.limitedBy);
      if (permit.limitedBy !== 'pair') {
        this.wakeAt = Math.min(this.wakeAt, now + permit.waitMs);
        if (permit.limitedBy === 'unavailable') this.permitsAwayUntil = now + permit.waitMs;
        return undefined;
      }
      if (permit.waitMs > this.deps.config.pairHoldMs) this.track(this.handBack([this.take(queue, index)], now + permit.waitMs, now));
      else {
        this.wakeAt = Math.min(this.wakeAt, now + permit.waitMs);
        index += 1;
      }
    }
    return index;
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.deps.onError?.(error)).finally(() => {
      this.inFlight.delete(tracked);
      this.loop.schedule(0);
    });
    this.inFlight.add(tracked);
  }

  private async send(task: DispatchTask, route: NumberRoute, host: string, probe: boolean): Promise<void> {
    const { store, upstream, config } = this.deps;
    const mark = await this.marks.submit(task);
    if (mark.kind !== 'call') {
      if (probe) this.breakers.forgoProbe(host);
      // A status webhook proved Meta has it (an earlier call's answer was lost): settle it without calling again.
      if (mark.kind === 'sent') await this.settleSent(task, mark.wamid);
      if (mark.kind === 'expired') await this.settleExpired(task);
      return;
    }
    if (!(await this.waitForCallSlot(task, route.maxMps))) {
      if (probe) this.breakers.forgoProbe(host);
      return this.handBack([task], this.deps.now(), this.deps.now());
    }
    this.counters.calls += 1;
    const target: UpstreamTarget = { baseUrl: config.upstreamBaseUrl, apiVersion: config.apiVersion, phoneNumberId: route.phoneNumberId, accessToken: route.accessToken };
    // Meta echoes biz_opaque_callback_data on status webhooks: it ties a wamid to our message even if we die first.
    const startedAt = performance.now();
    const outcome = await upstream.sendMessage(target, { ...task.payload, biz_opaque_callback_data: task.messageId });
    const seconds = (performance.now() - startedAt) / 1000;
    const now = this.deps.now();
    // The probe's answer ends or renews its number's hold in the store: the cached route no longer says which.
    if (task.probe) this.routes.delete(task.numberId);
    if (outcome.ok) {
      this.deps.metrics?.upstreamCall('sent', 'none', seconds);
      this.recordAnswer(host, now);
      return this.settleSent(task, outcome.wamid);
    }
    const { error } = outcome;
    if (isOutage(error)) this.breakers.recordFailure(host, now);
    else this.recordAnswer(host, now);
    const context = { task, error, now, schedule: config.retry, random: this.deps.random, recoveryGraceMs: config.recoveryGraceMs };
    const decision = decideAfterFailure(context);
    this.deps.metrics?.upstreamCall(decision.kind, error.entry.retry.class, seconds);
    // Beside the settlement, not before it: a slow-down that cannot be recorded (shared limits away) is reported alone.
    if (decision.kind === 'retry' && decision.slowDown) this.track(this.deps.permits.slowDown(task.numberId));
    if (decision.kind === 'park-number' || decision.kind === 'pause-number') {
      this.routes.delete(task.numberId);
      this.counters.held += 1;
    }
    if (decision.kind === 'retry') this.counters.retried += 1;
    await applyFailureDecision(store, context, decision);
    if (decision.kind === 'fail') this.countFailed(task, error.entry);
  }

  /**
   * The permit was given before the call mark; calls bunched by the mark's commit wait here for the number's cap (or
   * for the shared limits to answer again). False when the dispatcher stops meanwhile: the call is not made.
   */
  private async waitForCallSlot(task: DispatchTask, perSecond: number): Promise<boolean> {
    this.waitingForCallSlot.add(task);
    try {
      for (let wait = await this.deps.permits.claimCallSlot(task.numberId, perSecond); wait > 0; wait = await this.deps.permits.claimCallSlot(task.numberId, perSecond)) {
        if (!this.loop.running) return false;
        await sleep(wait);
      }
      return true;
    } finally {
      this.waitingForCallSlot.delete(task);
    }
  }

  private async settleSent(task: DispatchTask, wamid: string): Promise<void> {
    const moved = await this.sent.submit({ task, wamid, at: this.deps.now() });
    this.counters.sent += 1;
    if (moved) this.deps.metrics?.statusReached(task.numberId, 'sent');
  }

  /** A rule of preflight refuses it now that it is due: failed with that rule's error, never called. */
  private async failBeforeCall(task: DispatchTask, error: SwitchboardError): Promise<void> {
    await this.deps.store.settleFailed(task, error, this.deps.now());
    this.countFailed(task, error.entry);
  }

  /** Its validity ended while it waited: failed with `expired`, never called. */
  private async settleExpired(task: DispatchTask): Promise<void> {
    await this.deps.store.settleExpired(task, this.deps.now());
    this.countFailed(task, gatewayEntry('expired'));
  }

  private countFailed(task: DispatchTask, entry: SwitchboardError['entry']): void {
    this.counters.failed += 1;
    this.deps.metrics?.statusReached(task.numberId, 'failed');
    this.deps.metrics?.messageFailed(entry);
  }

  /** The upstream answered. If that closed the circuit, what was put back during the outage is due at once. */
  private recordAnswer(host: string, now: number): void {
    if (!this.breakers.recordSuccess(host)) return;
    this.track(this.deps.queue.releaseUpstreamWaits(now).then(() => this.nudge()));
  }
}
