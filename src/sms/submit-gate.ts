/**
 * Admission of submit_sm on one connector: at most `window` submits awaiting their answer, and never more than the
 * configured throughput in any sliding second. The pace is a GCRA spaced 7% wider than the throughput, with a burst
 * of 2% of it (at least 1): a timer that fires late catches up with the burst instead of losing the time, and any
 * second still holds at most 2% + 1/1.07 ≈ 95% of the throughput, the rest absorbing jitter on the way to the centre.
 * Waiters are served in arrival order.
 */
import { takePermit, type Pace } from '../domain/gcra.js';

export interface SubmitGateOptions {
  readonly window: number;
  readonly perSecond: number;
  readonly now: () => number;
  /** Extra spacing, as a share of the interval (default 0.07). */
  readonly spacingMargin?: number;
}

export class SubmitGate {
  private readonly pace: Pace;
  private tat = 0;
  private outstanding = 0;
  private readonly waiting: (() => void)[] = [];
  private admitting = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SubmitGateOptions) {
    this.pace = { intervalMs: (1000 / options.perSecond) * (1 + (options.spacingMargin ?? 0.07)), burst: Math.max(1, Math.floor(options.perSecond * 0.02)) };
  }

  /**
   * Resolves when a submit may go out now; the caller must `release()` once its answer (or failure) is in. After
   * `close` it resolves at once: the caller finds its connector stopped and fails the submit.
   */
  acquire(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.admit();
    });
  }

  release(): void {
    if (this.closed) return;
    this.outstanding -= 1;
    this.admit();
  }

  /** On stop: lets every waiter through at once, so that each finds the connector stopped instead of waiting forever. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  private admit(): void {
    if (this.admitting || this.timer !== undefined) return;
    this.admitting = true;
    try {
      while (this.waiting.length > 0 && this.outstanding < this.options.window) {
        const now = this.options.now();
        const decision = takePermit(this.pace, this.tat, now);
        if (!decision.granted) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.admit();
          }, Math.max(1, Math.ceil(decision.retryAt - now)));
          return;
        }
        this.tat = decision.tat;
        this.outstanding += 1;
        this.waiting.shift()!();
      }
    } finally {
      this.admitting = false;
    }
  }
}
