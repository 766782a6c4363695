/**
 * The timer loop behind the background workers (dispatcher, customer-webhook delivery): one tick at a time, woken
 * early on demand, and never stopped by a failed tick (a busy database, say), which is reported and tried again.
 */

export interface WorkLoopOptions {
  /** Wait before the next tick after a tick threw. */
  readonly retryAfterErrorMs: number;
  readonly onError: (error: unknown) => void;
}

export class WorkLoop {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private active = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly options: WorkLoopOptions,
  ) {}

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  /** Runs the next tick after `delayMs` (0: as soon as the current one is done), replacing any later one. */
  schedule(delayMs: number): void {
    if (!this.active) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.ticking
        .then(() => (this.active ? this.tick() : undefined))
        .catch((error: unknown) => {
          this.options.onError(error);
          this.schedule(this.options.retryAfterErrorMs);
        });
    }, Math.max(0, delayMs));
  }

  /** No tick starts after this; resolves once the one under way (if any) has finished. */
  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    await this.ticking;
  }
}
