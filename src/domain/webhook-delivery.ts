/**
 * Rules of customer-webhook deliveries that the store applies: an endpoint's failure streak after a batch of attempts,
 * what a replay sends again, and what counts as an account's backlog.
 */

export interface SettledOutcome {
  readonly endpointId: string;
  readonly at: number;
  readonly delivered: boolean;
}

/**
 * `cleared`: a success ended the streak. `failing`: a streak runs from `since`; `startsFresh` when a success came
 * before it in the batch, so the stored start no longer counts; otherwise a streak already running keeps its start.
 */
export type StreakChange = { readonly kind: 'cleared' } | { readonly kind: 'failing'; readonly since: number; readonly startsFresh: boolean };

/** Each endpoint's failure streak after `outcomes`, taken in order: any success ends it, the next failure starts one. */
export function failureStreaks(outcomes: readonly SettledOutcome[]): Map<string, StreakChange> {
  const streaks = new Map<string, StreakChange>();
  for (const { endpointId, at, delivered } of outcomes) {
    const before = streaks.get(endpointId);
    if (delivered) streaks.set(endpointId, { kind: 'cleared' });
    else if (before === undefined) streaks.set(endpointId, { kind: 'failing', since: at, startsFresh: false });
    else if (before.kind === 'cleared') streaks.set(endpointId, { kind: 'failing', since: at, startsFresh: true });
  }
  return streaks;
}

export type FinishedDeliveryState = 'failed' | 'delivered';

export interface ReplayScope {
  /** Events created in [since, until). */
  readonly since: number;
  readonly until: number;
  /** The finished deliveries of those events that go out once more. */
  readonly states: readonly FinishedDeliveryState[];
  /** Events of the range the endpoint never got (it was created, or switched on, after them) get a delivery too. */
  readonly addsMissedEvents: boolean;
}

/** A replay of failed deliveries only sends those again; a full replay sends every event of the range the filter wants. */
export function replayScope(request: { readonly since?: number; readonly until?: number; readonly failedOnly: boolean }): ReplayScope {
  return {
    since: request.since ?? 0,
    until: request.until ?? Number.MAX_SAFE_INTEGER,
    states: request.failedOnly ? ['failed'] : ['failed', 'delivered'],
    addsMissedEvents: !request.failedOnly,
  };
}

export interface BacklogFacts {
  readonly pendingDeliveries: number;
  /** Events of the account the fan-out has not reached yet. */
  readonly unfannedEvents: number;
  readonly hasEnabledEndpoint: boolean;
}

/**
 * An account's events not yet delivered. Events not yet fanned out count only while the account has an enabled
 * endpoint: without one they will never become deliveries, and must not hold up its sends while the worker is behind.
 */
export function undeliveredEvents(facts: BacklogFacts): number {
  return facts.pendingDeliveries + (facts.hasEnabledEndpoint ? facts.unfannedEvents : 0);
}
