/**
 * What the metrics read from the store at scrape time: how much waits in the shared queues. Every process reading the
 * same store reads the same figures.
 */

/** One number's outbox: every job it holds, and the due time of its longest-waiting job that is due. */
export interface NumberQueueReading {
  readonly numberId: string;
  readonly jobs: number;
  /** Null when none of its jobs is due yet (all wait out a backoff or a hold). */
  readonly oldestDueAt: number | null;
}

/** Customer-webhook deliveries of one endpoint still waiting to be delivered (or to fail). */
export interface EndpointBacklogReading {
  readonly endpointId: string;
  readonly pending: number;
}

export interface QueueReadings {
  readonly outbox: readonly NumberQueueReading[];
  readonly webhookBacklog: readonly EndpointBacklogReading[];
}

export interface GaugeStore {
  /** Two grouped counts: cheap enough for a scrape every few seconds, not for a hot path. */
  readQueues(now: number): Promise<QueueReadings>;
}
