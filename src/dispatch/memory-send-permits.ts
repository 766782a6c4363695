/** Send permits kept in this process's memory: the default when one process dispatches alone (no REDIS_URL). */
import { CallWindows, RatePermits, type RatePermitConfig } from './rate-permit.js';
import type { SendPermit, SendPermits } from './send-permits.js';

/** How often recipients whose pace has fully recovered are forgotten, so memory follows the active pairs only. */
const PRUNE_EVERY_MS = 60_000;

export class MemorySendPermits implements SendPermits {
  private readonly permits: RatePermits;
  private readonly callWindows: CallWindows;
  private nextPruneAt = 0;

  constructor(
    config: RatePermitConfig,
    private readonly now: () => number,
  ) {
    this.permits = new RatePermits(config);
    this.callWindows = new CallWindows(config);
  }

  async take(numberId: string, perSecond: number, recipients: readonly string[]): Promise<SendPermit[]> {
    const now = this.now();
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + PRUNE_EVERY_MS;
      this.permits.prune(now);
    }
    const answers: SendPermit[] = [];
    for (const recipient of recipients) {
      const permit = this.permits.take(numberId, perSecond, recipient, now);
      if (permit.granted) answers.push(permit);
      else answers.push({ granted: false, waitMs: permit.retryAt - now, limitedBy: permit.limitedBy });
      if (!permit.granted && permit.limitedBy === 'number') break;
    }
    return answers;
  }

  async slowDown(numberId: string): Promise<void> {
    this.permits.slowDown(numberId, this.now());
  }

  async claimCallSlot(numberId: string, perSecond: number): Promise<number> {
    return this.callWindows.claim(numberId, perSecond, this.now());
  }
}
