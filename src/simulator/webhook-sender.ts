/**
 * Delivers the simulator's webhooks: batches due events into Meta's envelope, signs it (X-Hub-Signature-256),
 * keeps one batch in flight so that statuses arrive in the order they happened, and retries failures with backoff.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { signBody } from '../webhooks/inbound/verify.js';
import { EventHeap, type Due } from './event-heap.js';
import { buildEnvelope, type WebhookEvent } from './webhook-payload.js';
import type { WebhookDelivery } from './types.js';

export interface WebhookTarget {
  readonly url: string;
  readonly appSecret: string;
  readonly verifyToken?: string;
}

export type DeliveryRecord = WebhookDelivery;

export interface WebhookSenderOptions {
  /** Meta retries "with decreasing frequency" for up to 7 days; the default is a compressed version of that. */
  readonly retryDelaysMs?: readonly number[];
  readonly batchMax?: number;
  readonly timeoutMs?: number;
}

export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 3_600_000];

export class WebhookSender {
  private readonly heap = new EventHeap<WebhookEvent>();
  private readonly retryDelaysMs: readonly number[];
  private readonly batchMax: number;
  private readonly timeoutMs: number;
  private target: WebhookTarget | undefined;
  private pool: Pool | undefined;
  private verified = false;
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private retryTimer: NodeJS.Timeout | undefined;
  private wakeRetry: (() => void) | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  readonly log: DeliveryRecord[] = [];
  dropped = 0;
  delivered = 0;

  constructor(options: WebhookSenderOptions = {}) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.batchMax = Math.max(1, options.batchMax ?? 100);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  configure(target: WebhookTarget | undefined): void {
    if (target !== undefined) new URL(target.url);
    const old = this.pool;
    this.target = target;
    this.verified = target?.verifyToken === undefined;
    this.pool = target === undefined ? undefined : new Pool(new URL(target.url).origin, {
      connections: 4,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    void old?.close();
    // A batch waiting to retry the old URL goes to the new one now (see deliver).
    this.wakeRetry?.();
  }

  get configured(): boolean {
    return this.target !== undefined;
  }

  /** Queues an event `delayMs` from now; without a target the event is dropped, as Meta sends nothing then. */
  enqueue(event: WebhookEvent, delayMs: number): void {
    if (!this.target || this.closed) {
      this.dropped++;
      return;
    }
    this.heap.push(Date.now() + Math.max(0, delayMs), event);
    this.pump();
  }

  get pending(): number {
    return this.heap.size + (this.inFlight ? 1 : 0);
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.heap.size === 0 && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The handshake Meta makes before it saves a callback URL: GET with hub.* and the challenge echoed back. */
  async verify(): Promise<{ ok: boolean; status?: number; error?: string }> {
    const target = this.target;
    if (!target) return { ok: false, error: 'no webhook configured' };
    const challenge = randomUUID();
    const url = new URL(target.url);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', target.verifyToken ?? '');
    url.searchParams.set('hub.challenge', challenge);
    try {
      const res = await this.pool!.request({ method: 'GET', path: url.pathname + url.search });
      const text = await res.body.text();
      const ok = res.statusCode === 200 && text === challenge;
      if (ok) this.verified = true;
      return { ok, status: res.statusCode };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeRetry?.();
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
    this.settleIdle(true);
  }

  private settleIdle(force = false): void {
    if (!force && (this.heap.size > 0 || this.inFlight)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private pump(): void {
    if (this.inFlight || this.closed) return;
    const now = Date.now();
    const events: Due<WebhookEvent>[] = [];
    while (events.length < this.batchMax && (this.heap.peekDue() ?? Infinity) <= now) events.push(this.heap.popEntry()!);
    if (events.length > 0) {
      this.inFlight = true;
      void this.deliver(events).finally(() => {
        this.inFlight = false;
        this.pump();
        this.settleIdle();
      });
      return;
    }
    const next = this.heap.peekDue();
    if (next === undefined || next >= this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = next;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.pump();
    }, next - now);
  }

  private async deliver(events: Due<WebhookEvent>[]): Promise<void> {
    const target = this.target;
    if (!target) return;
    const body = JSON.stringify(buildEnvelope(events.map((e) => e.item)));
    const signature = signBody(body, target.appSecret);
    const path = new URL(target.url).pathname + new URL(target.url).search;
    for (let attempt = 0; !this.closed && this.target === target; attempt++) {
      const outcome = await this.attempt(path, body, signature);
      const record = { at: Date.now(), attempt: attempt + 1, events: events.length, ...outcome };
      if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
        this.delivered += events.length;
        this.record(record);
        return;
      }
      const wait = this.retryDelaysMs[attempt];
      if (wait === undefined) {
        this.record({ ...record, gaveUp: true });
        this.dropped += events.length;
        return;
      }
      this.record(record);
      await new Promise<void>((resolve) => {
        this.wakeRetry = resolve;
        this.retryTimer = setTimeout(resolve, wait);
      });
    }
    // The webhook URL changed meanwhile (the receiver moved, as after a restart): Meta sends what it still owes to
    // the URL it has now, so the batch goes back in the queue instead of being dropped.
    if (!this.closed && this.target !== target) for (const event of events) this.heap.restore(event);
  }

  private async attempt(path: string, body: string, signature: string): Promise<{ status?: number; error?: string }> {
    try {
      if (!this.verified) {
        const check = await this.verify();
        if (!check.ok) return { error: `verification handshake failed (${check.status ?? check.error})` };
      }
      const res = await this.pool!.request({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'user-agent': 'facebookexternalua' },
        body,
      });
      await res.body.dump();
      return { status: res.statusCode };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  private record(record: DeliveryRecord): void {
    this.log.push(record);
    if (this.log.length > 1_000) this.log.splice(0, this.log.length - 1_000);
  }
}
