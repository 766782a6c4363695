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
   * A previous claim never recorded how it ended: its process died, maybe in the middle of the upstream call, so
   * Meta may have the message already.
   */
  readonly interrupted: boolean;
}

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
   * Leases up to `limit` due jobs to `owner` until `now + leaseMs`, skipping numbers that are held or paused, and
   * marks them in progress until an outcome or a release is written. A job whose lease lapsed (its worker died) comes
   * back here by itself, marked interrupted.
   */
  claimTasks(owner: string, now: number, leaseMs: number, limit: number): Promise<DispatchTask[]>;
  /** Extends the lease of jobs still waiting in this worker's memory. */
  renewLeases(owner: string, jobIds: readonly string[], until: number): Promise<void>;
  getSendRoute(numberId: string): Promise<NumberRoute | undefined>;
  /** Message → sent with its wamid, job removed: one transaction for the whole batch. */
  settleSent(outcomes: readonly SentOutcome[]): Promise<void>;
  /** Job due again at `dueAt` (attempts + 1); the error is kept on the message as its last error. */
  settleRetry(task: DispatchTask, dueAt: number, error: SwitchboardError, now: number): Promise<void>;
  /** Message → failed with its catalog error, job removed. */
  settleFailed(task: DispatchTask, error: SwitchboardError, now: number): Promise<void>;
  /** Gives a job back unsent (no attempt counted), due at `dueAt`. */
  releaseTask(task: DispatchTask, dueAt: number, now: number): Promise<void>;
  /**
   * Holds a number's queue: until a time (`wait` errors), or until its token is replaced (`until: null`, reauth),
   * which also marks its account disconnected and records the event.
   */
  holdNumber(numberId: string, until: number | null, error: SwitchboardError, now: number): Promise<void>;
}
