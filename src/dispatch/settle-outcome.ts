/**
 * Turns one upstream answer into what happens next, and only the catalog decides: the error's retry class goes
 * through the pure retry policy, and the decision is written to the store.
 */
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import { decideRetry, type RetryDecision, type RetrySchedule } from '../domain/retry-policy.js';
import type { DispatchStore, DispatchTask } from '../store/dispatch-store.js';

/**
 * Answers that say the upstream itself is in trouble, as opposed to refusing this one message: the catalog's
 * `transient` class (timeouts, refused connections, 5xx, codes 1, 2, 131000, 131016 …) and any 5xx answer.
 */
export function isOutage(error: SwitchboardError): boolean {
  return error.entry.retry.class === 'transient' || (error.upstream?.httpStatus ?? 0) >= 500;
}

export interface FailureContext {
  readonly task: DispatchTask;
  readonly error: SwitchboardError;
  readonly now: number;
  readonly schedule: RetrySchedule;
  readonly random: () => number;
  /** How long a call whose answer was lost waits for Meta's status webhook before it may be sent again. */
  readonly recoveryGraceMs: number;
}

export function decideAfterFailure({ task, error, now, schedule, random, recoveryGraceMs }: FailureContext): RetryDecision {
  // Only a wait the answer stated: the entry's own hint is read by the retry policy, which may probe sooner than it.
  const retryAfterSeconds = error.statedRetryAfterSeconds;
  return decideRetry(
    {
      retry: error.entry.retry,
      attempts: task.attempts + 1,
      firstAttemptAt: task.firstAttemptAt ?? now,
      now,
      ...(retryAfterSeconds === undefined || error.entry.retry.backoff ? {} : { retryAfterSeconds }),
      ...(error.entry.outcomeUnknown ? { statusGraceMs: recoveryGraceMs } : {}),
    },
    schedule,
    random,
  );
}

/** Writes the decision to the store. */
export async function applyFailureDecision(store: DispatchStore, context: FailureContext, decision: RetryDecision): Promise<void> {
  const { task, error, now } = context;
  switch (decision.kind) {
    case 'retry':
      // A lost answer is no sign of an outage's end: it waits for its status webhook, not for the upstream.
      return store.settleRetry(task, decision.at, error, now, isOutage(error) && !error.entry.outcomeUnknown);
    case 'fail':
      return store.settleFailed(task, error, now);
    // The hold and the job's release are one store operation: no failure between them can lose the job or let it go early.
    case 'park-number':
      return store.holdNumber(task, decision.until, error, now);
    case 'pause-number':
      return store.holdNumber(task, null, error, now);
  }
}
