/**
 * What the dispatcher needs from the store, and nothing more: the outbox queue (claims and leases, ids only, see
 * runtime/job-queue.ts) and the model (load claimed jobs, mark calls, settle outcomes, hold numbers). Each method is
 * one atomic operation with the same name in every backend.
 */
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import type { MessageEcho } from '../domain/delivery.js';
import type { ClaimRequest, JobQueue, QueuedJob } from '../runtime/job-queue.js';

/** An outbox job as the queue hands it out. */
export interface DispatchJob extends QueuedJob {
  readonly messageId: string;
  readonly numberId: string;
  /**
   * A previous claim marked a call and never recorded how it ended: its process died in the middle of the upstream
   * call, so Meta may have the message already.
   */
  readonly interrupted: boolean;
  /**
   * The first job of a number whose wait (maintenance, say) has run out: it goes alone, and the number's other jobs
   * follow only once it has been answered.
   */
  readonly probe: boolean;
}

/**
 * The outbox. `claim` skips numbers that are held or paused; of a number whose hold has run out it hands out one job
 * (its probe), which holds the number again for the lease. A job whose lease lapsed comes back by itself, marked
 * interrupted if a call was marked for it (`markCalls`); `releaseAbandoned` (a store no other process shares, at start)
 * keeps that mark too.
 */
export interface DispatchQueue extends JobQueue<DispatchJob> {
  /** The upstream answers again: jobs put back because it was down are due now (the `limit` earliest, if given). */
  releaseUpstreamWaits(now: number, limit?: number): Promise<void>;
  /** `claim`, of high-lane jobs only: lets a dispatcher whose buffer is full still take what must go first. */
  claimHighLane(request: ClaimRequest): Promise<DispatchJob[]>;
}

/** One message to send, as loaded for a claimed job: the job, its message's payload, and what earlier claims left behind. */
export interface DispatchTask {
  readonly jobId: string;
  readonly messageId: string;
  readonly accountId: string;
  readonly numberId: string;
  readonly to: string;
  /** The Cloud API request body, exactly as it will be posted. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Upstream calls that failed for this message so far. */
  readonly attempts: number;
  readonly firstAttemptAt: number | null;
  /** Set when a status webhook already tied a wamid to this message: it was sent, whatever we remember. */
  readonly wamid: string | null;
  readonly interrupted: boolean;
  readonly probe: boolean;
  /** Claim rank (due time plus lane handicap): a number's queue in memory keeps this order too. */
  readonly rank: number;
  /** Not sent at or after this time (epoch ms); null = no limit. */
  readonly expiresAt: number | null;
  /** What every event about the message echoes. */
  readonly echo: MessageEcho;
  /** Its message waited as scheduled: the time-dependent preflight rules run again before it goes. */
  readonly recheck: boolean;
}

/**
 * What the store says of a job about to be called: call it; or a status webhook tied a wamid to its message meanwhile
 * (it was sent: settle it, never call again); or it is no longer this worker's (settled, or its lease lapsed).
 */
export type CallMark =
  | { readonly kind: 'call' }
  | { readonly kind: 'sent'; readonly wamid: string }
  | { readonly kind: 'gone' }
  /** Its validity ended before the call: it is not marked, and must be settled with `settleExpired`. */
  | { readonly kind: 'expired' };

/** How fast a number sends, with which token, and whether it may send at all. */
export interface NumberRoute {
  readonly numberId: string;
  readonly phoneNumberId: string;
  readonly accessToken: string;
  readonly maxMps: number;
  /** The number's queue waits until then (maintenance, registration wait). */
  readonly heldUntil: number | null;
  /** Meta refused the number's token: nothing goes until the token is replaced. */
  readonly paused: boolean;
}

export interface SentOutcome {
  readonly task: DispatchTask;
  readonly wamid: string;
  readonly at: number;
}

export interface DispatchStore {
  /**
   * Reads what the claimed jobs are about (payload, recipient, attempts so far, a wamid a status webhook tied) and
   * moves their messages to `queued`, one transaction. Jobs whose message is gone are left out.
   */
  loadTasks(jobs: readonly DispatchJob[], now: number): Promise<DispatchTask[]>;
  /**
   * Re-reads `owner`'s jobs right before their calls and marks the ones to call as in a call (`calling_since`), one
   * transaction for the batch: a crash from here on leaves them interrupted. One mark per task, in order.
   */
  markCalls(owner: string, tasks: readonly DispatchTask[], now: number): Promise<CallMark[]>;
  getSendRoute(numberId: string): Promise<NumberRoute | undefined>;
  /**
   * Message → sent with its wamid, job removed: one transaction for the whole batch. Answers, per outcome, whether its
   * message moved to sent (false: a status webhook had already moved it there or further).
   */
  settleSent(outcomes: readonly SentOutcome[]): Promise<boolean[]>;
  /**
   * Job due again at `dueAt` (attempts + 1); the error is kept on the message as its last error. `waitsForUpstream`:
   * the upstream itself failed, so the job is due at once when it answers again (`DispatchQueue.releaseUpstreamWaits`).
   */
  settleRetry(task: DispatchTask, dueAt: number, error: SwitchboardError, now: number, waitsForUpstream: boolean): Promise<void>;
  /** Message → failed with its catalog error, job removed. */
  settleFailed(task: DispatchTask, error: SwitchboardError, now: number): Promise<void>;
  /**
   * Message → failed with `expired`, job removed, reservation refunded: only while no call is marked for the job (the
   * same condition as a cancel), so an expiry never overtakes a call under way.
   */
  settleExpired(task: DispatchTask, now: number): Promise<void>;
  /**
   * The sweep behind `settleExpired`: up to `limit` waiting messages whose validity has passed, claimed or not and
   * whatever holds their number, end the same way (only where no call is marked). Answers how many.
   */
  expireOverdue(now: number, limit: number): Promise<number>;
  /**
   * The messages of jobs about to be handed back unsent (`DispatchQueue.release`) go back to `accepted`. Called before
   * the release, while the jobs are still this worker's, so no other worker's claim is undone.
   */
  unclaimTasks(tasks: readonly DispatchTask[], now: number): Promise<void>;
  /**
   * Holds the task's number and gives the task back unsent (no attempt counted), in one transaction: until a time
   * (`wait` errors; the job is due then, and one probe goes first), or until its token is replaced (`until: null`,
   * reauth; the job is due at once and waits out the pause), which also marks its account disconnected and records the
   * event. Any outcome of a probe other than a new hold ends the hold.
   */
  holdNumber(task: DispatchTask, until: number | null, error: SwitchboardError, now: number): Promise<void>;
}
