/**
 * The per-account webhook backlog as the send path reads it: counted in the store, cached per account, since every
 * send asks and the answer only needs to be about right (the cap is a safety bound, not an exact quota). An account
 * far below its cap is counted again rarely, one close to it often: the cap is overshot by at most what the account
 * could add while the count is cached. Every process counts the same rows, so processes sharing the store agree on
 * the backlog; each caches its own reading, so the overshoot bound holds per process accepting sends.
 */
import type { WebhookBacklog } from '../../domain/preflight/webhook-backlog.js';
import type { WebhookStore } from '../../store/webhook-store.js';

export const DEFAULT_WEBHOOK_BACKLOG_CAP = 100_000;

/** Events one account can add per millisecond at most, taken high: each message is up to four events. */
const FASTEST_GROWTH_PER_MS = 20;
const MIN_TTL_MS = 250;
const MAX_TTL_MS = 5_000;

export class BacklogGauge {
  private readonly counted = new Map<string, { undelivered: number; until: number }>();

  constructor(
    private readonly store: Pick<WebhookStore, 'countBacklog'>,
    private readonly cap: number,
    private readonly now: () => number,
  ) {
    if (!(cap >= 1)) throw new Error('the webhook backlog cap must be ≥ 1');
  }

  async read(accountId: string): Promise<WebhookBacklog> {
    const now = this.now();
    const hit = this.counted.get(accountId);
    if (hit && now < hit.until) return { undelivered: hit.undelivered, cap: this.cap };
    const undelivered = await this.store.countBacklog(accountId, this.cap);
    const ttl = Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, (this.cap - undelivered) / FASTEST_GROWTH_PER_MS));
    if (this.counted.size >= 10_000) this.counted.clear();
    this.counted.set(accountId, { undelivered, until: now + ttl });
    return { undelivered, cap: this.cap };
  }
}
