/**
 * The queue port: work leased to workers, carrying ids only. What a job is about (a message's payload, an event's data)
 * stays in the store and is read through the model ports; an outcome that ends a job together with a change to the
 * model (a message sent, an attempt recorded, a number held) is a model operation, one transaction wherever the queue
 * lives in the same database. Each method here is one atomic operation, so an engine of its own (Redis, say) can
 * implement it without the model changing.
 */

/** A job as the queue hands it out: its id, plus the ids and flags the queue itself keeps. */
export interface QueuedJob {
  readonly id: string;
}

export interface ClaimRequest {
  /** Names the worker that holds the leases. */
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
  /** Only this lane's jobs (a webhook endpoint's), for a queue whose workers claim lane by lane. */
  readonly lane?: string;
}

export interface JobQueue<Job extends QueuedJob> {
  /**
   * Leases up to `limit` due jobs to `owner` until `now + leaseMs`, earliest due first. A leased job is handed out
   * again only once its lease lapses (its worker died).
   */
  claim(request: ClaimRequest): Promise<Job[]>;
  /** Extends the leases `owner` still holds on these jobs (others' leases and finished jobs are left alone). */
  renew(owner: string, ids: readonly string[], until: number): Promise<void>;
  /** Hands jobs back unfinished, due at `dueAt`, with their leases freed. */
  release(ids: readonly string[], dueAt: number): Promise<void>;
  /** The jobs are done: never handed out again. */
  complete(ids: readonly string[]): Promise<void>;
  /**
   * Frees the leases of workers that are gone, so a killed process's jobs are due at once instead of after their
   * leases lapse: a worker calls it when it starts. Where one process owns the store that is every lease; where
   * processes share it, those whose owner's process has ended. Returns how many it freed.
   */
  releaseAbandoned(): Promise<number>;
}
