/**
 * What the dispatcher needs from the store, and nothing more: claim due work, mark calls, settle outcomes, hold
 * numbers. Each method is one atomic operation with the same name in every backend.
 */
import type { SwitchboardError } from '../catalog/switchboard-error.js';

/** One message to send, as claimed: the job, its message's payload, and what earlier claims left behind. */
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
 * What the store says of a job about to be called: call it; or a status webhook tied a wamid to its message meanwhile
 * (it was sent: settle it, never call again); or it is no longer this worker's (settled, or its lease lapsed).
 */
export type CallMark = { readonly kind: 'call' } | { readonly kind: 'sent'; readonly wamid: string } | { readonly kind: 'gone' };

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
   * Leases up to `limit` due jobs to `owner` until `now + leaseMs`, skipping numbers that are held or paused; of a
   * number whose hold has run out, only one job (its probe), which holds the number again for the lease. A job whose
   * lease lapsed (its worker died) comes back here by itself, marked interrupted if a call was marked for it.
   */
  claimTasks(owner: string, now: number, leaseMs: number, limit: number): Promise<DispatchTask[]>;
  /**
   * For a store no other process shares, at start: leases left by an earlier run of this process are void, so their
   * jobs are due at once (those with a call marked still come back interrupted).
   */
  reclaimLeases(): Promise<void>;
  /**
   * Re-reads `owner`'s jobs right before their calls and marks the ones to call as in a call (`calling_since`), one
   * transaction for the batch: a crash from here on leaves them interrupted. One mark per task, in order.
   */
  markCalls(owner: string, tasks: readonly DispatchTask[], now: number): Promise<CallMark[]>;
  /** Extends the lease of jobs still waiting in this worker's memory. */
  renewLeases(owner: string, jobIds: readonly string[], until: number): Promise<void>;
  getSendRoute(numberId: string): Promise<NumberRoute | undefined>;
  /** Message → sent with its wamid, job removed: one transaction for the whole batch. */
  settleSent(outcomes: readonly SentOutcome[]): Promise<void>;
  /**
   * Job due again at `dueAt` (attempts + 1); the error is kept on the message as its last error. `waitsForUpstream`:
   * the upstream itself failed, so the job is due at once when it answers again (`releaseUpstreamWaits`).
   */
  settleRetry(task: DispatchTask, dueAt: number, error: SwitchboardError, now: number, waitsForUpstream: boolean): Promise<void>;
  /** The upstream answers again: jobs put back because it was down are due now (the `limit` earliest, if given). */
  releaseUpstreamWaits(now: number, limit?: number): Promise<void>;
  /** Message → failed with its catalog error, job removed. */
  settleFailed(task: DispatchTask, error: SwitchboardError, now: number): Promise<void>;
  /** Gives a job back unsent (no attempt counted), due at `dueAt`. */
  releaseTask(task: DispatchTask, dueAt: number, now: number): Promise<void>;
  /**
   * Holds a number's queue: until a time (`wait` errors; then one probe goes first), or until its token is replaced
   * (`until: null`, reauth), which also marks its account disconnected and records the event. Any outcome of a probe
   * other than a new hold ends the hold.
   */
  holdNumber(numberId: string, until: number | null, error: SwitchboardError, now: number): Promise<void>;
}
