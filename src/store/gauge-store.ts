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

/** How much waits across the gateway, each figure counted up to a limit (a figure at its limit means "at least"). */
export interface BacklogReading {
  /** Outbox jobs due now: accepted and not yet dispatched (scheduled ones wait until their time, so are not counted). */
  readonly dueJobs: number;
  /** Customer-webhook deliveries not yet delivered (or failed for good). */
  readonly pendingDeliveries: number;
}

export interface GaugeStore {
  /** Two grouped counts: cheap enough for a scrape every few seconds, not for a hot path. */
  readQueues(now: number): Promise<QueueReadings>;
  /**
   * Two counts that stop at their limits (0 = not counted), so each costs at most its limit in index entries: cheap
   * enough for a few reads per second by the send path's back-pressure.
   */
  readBacklog(now: number, limits: BacklogReading): Promise<BacklogReading>;
}
