/**
 * The figures back-pressure decides on, kept cheap for the send path: the store is counted at most once per refresh
 * period (one count in flight at a time, whoever asks), and on top of the count this process adds the sends it admitted
 * that the count cannot have seen (still being accepted when it started, or admitted since), so a burst cannot slip past
 * the bound while the figure is cached. Processes sharing a store count the same rows and each adds its own sends; the
 * overshoot is at most what the other processes admit in one period.
 */
import { admitSend, nextDrainRate, type BacklogFigure, type SendAdmission } from '../domain/backpressure.js';
import type { BacklogReading, GaugeStore } from '../store/gauge-store.js';

/** Most that may wait across the gateway before sends are refused; 0 = no bound. */
export interface BackpressureBounds {
  /** Messages accepted and due, not yet dispatched. */
  readonly dueMessages: number;
  /** Customer-webhook deliveries pending. */
  readonly pendingDeliveries: number;
}

/** Between 100 and 250 ms: stale by less than a blink of dispatch, yet a handful of counts per second at most. */
export const BACKLOG_REFRESH_MS = 200;
/** A count that takes long (a huge backlog, a busy database) waits this many times its own duration before the next. */
const COUNT_SPACING_FACTOR = 10;

/**
 * Each figure is counted up to twice its bound: enough to tell how far over it is (for Retry-After) while keeping a
 * count's cost bounded whatever the backlog.
 */
const COUNT_LIMIT_FACTOR = 2;

interface Counted {
  readonly at: number;
  readonly reading: BacklogReading;
  /** This process's sends whose accept had ended when the count started: the count saw those it stored. */
  readonly settledBefore: number;
}

export class BackpressureGate {
  private counted: Counted | undefined;
  /** When the figures are old enough to be counted again (a failed count is tried again after a period, too). */
  private staleAt = 0;
  private counting: Promise<void> | undefined;
  private admitted = 0;
  private settled = 0;
  private dispatchDrain: number | null = null;
  private webhookDrain: number | null = null;

  constructor(
    private readonly store: Pick<GaugeStore, 'readBacklog'>,
    private readonly bounds: BackpressureBounds,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** True when either bound is set: otherwise the gate need not be asked at all. */
  get enabled(): boolean {
    return this.bounds.dueMessages > 0 || this.bounds.pendingDeliveries > 0;
  }

  /**
   * Admits (and counts) `messages` new sends, or refuses them. Answers from the cached figures, starting a new count
   * when they are older than the refresh period; only the very first question waits for a count.
   */
  async admit(messages: number): Promise<SendAdmission> {
    if (this.now() >= this.staleAt) {
      const counting = this.refresh();
      if (this.counted === undefined) await counting;
    }
    const decision = admitSend(this.figures());
    if (decision.kind === 'admit') this.admitted += messages;
    return decision;
  }

  /** The accept of `messages` admitted sends has ended (stored or refused): the next count sees what it stored. */
  settle(messages: number): void {
    this.settled += messages;
  }

  private figures(): BacklogFigure[] {
    const counted = this.counted;
    // A store that could not be counted yet refuses nothing: the accept itself meets the store's own errors.
    if (!counted) return [];
    return [
      { kind: 'dispatch', waiting: counted.reading.dueJobs + this.admitted - counted.settledBefore, bound: this.bounds.dueMessages, drainPerSecond: this.dispatchDrain },
      { kind: 'webhooks', waiting: counted.reading.pendingDeliveries, bound: this.bounds.pendingDeliveries, drainPerSecond: this.webhookDrain },
    ];
  }

  private refresh(): Promise<void> {
    this.counting ??= this.count().finally(() => (this.counting = undefined));
    return this.counting;
  }

  private async count(): Promise<void> {
    const settledBefore = this.settled;
    const limits = { dueJobs: this.bounds.dueMessages * COUNT_LIMIT_FACTOR, pendingDeliveries: this.bounds.pendingDeliveries * COUNT_LIMIT_FACTOR };
    const startedAt = this.now();
    let reading: BacklogReading;
    try {
      reading = await this.store.readBacklog(this.now(), limits);
    } catch (error) {
      this.staleAt = this.now() + BACKLOG_REFRESH_MS;
      this.onError(error);
      return;
    }
    const at = this.now();
    this.staleAt = at + Math.max(BACKLOG_REFRESH_MS, COUNT_SPACING_FACTOR * (at - startedAt));
    const next: Counted = { at, reading, settledBefore };
    const previous = this.counted;
    if (previous) this.measureDrain(previous, next, limits);
    this.counted = next;
  }

  /** A count that reached its limit says only "at least": no rate is read from it. */
  private measureDrain(previous: Counted, next: Counted, limits: BacklogReading): void {
    const sample = (pick: (r: BacklogReading) => number, added: number) => ({
      previous: { at: previous.at, waiting: pick(previous.reading) }, current: { at: next.at, waiting: pick(next.reading) }, added,
    });
    if (previous.reading.dueJobs < limits.dueJobs && next.reading.dueJobs < limits.dueJobs)
      this.dispatchDrain = nextDrainRate(this.dispatchDrain, sample((r) => r.dueJobs, next.settledBefore - previous.settledBefore));
    // Deliveries join as dispatch moves messages on, not as sends are admitted: the net drain is what is measured.
    if (previous.reading.pendingDeliveries < limits.pendingDeliveries && next.reading.pendingDeliveries < limits.pendingDeliveries)
      this.webhookDrain = nextDrainRate(this.webhookDrain, sample((r) => r.pendingDeliveries, 0));
  }
}
