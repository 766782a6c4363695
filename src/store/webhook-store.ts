/**
 * What customer-webhook delivery needs from the store: the delivery queue (leased claims lane by lane, ids only, see
 * runtime/job-queue.ts) and the model (endpoints, the fan-out of events into deliveries, loading claimed deliveries,
 * attempt outcomes, replays and the backlog count). Each method is one short transaction.
 */
import type { EventType } from '../domain/events.js';
import type { JobQueue, QueuedJob } from '../runtime/job-queue.js';
import type { DeliveryOutcome } from '../domain/delivery-schedule.js';

export const ATTEMPT_TRIGGERS = ['scheduled', 'manual', 'test'] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface EndpointRecord {
  readonly id: string;
  readonly accountId: string;
  readonly url: string;
  readonly description: string | null;
  /** Empty = every event type. */
  readonly eventTypes: readonly EventType[];
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  /** Deliveries per second at most; null = no limit beyond the worker's concurrency. */
  readonly rateLimitPerSecond: number | null;
  /** Start of the current streak of failures; null after any success. */
  readonly failingSince: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** An endpoint with the secrets that sign for it: the current one, then the previous one during its grace period. */
export interface SigningEndpoint extends EndpointRecord {
  readonly secrets: readonly string[];
}

export interface NewEndpoint {
  readonly accountId: string;
  readonly url: string;
  readonly description?: string | null;
  readonly eventTypes?: readonly EventType[];
  readonly enabled?: boolean;
  readonly rateLimitPerSecond?: number | null;
  readonly secret: string;
}

export interface EndpointPatch {
  readonly url?: string;
  readonly description?: string | null;
  readonly eventTypes?: readonly EventType[];
  /** Enabling clears the failure streak and the reason it was disabled. */
  readonly enabled?: boolean;
  readonly rateLimitPerSecond?: number | null;
}

/** A pending delivery as the queue hands it out. */
export interface DeliveryJob extends QueuedJob {
  readonly endpointId: string;
}

/**
 * Pending deliveries, one lane per endpoint (`ClaimRequest.lane` = the endpoint id; without one, any endpoint's), due
 * oldest first. `complete` marks them delivered; attempts normally end them through `WebhookStore.settleAttempts`.
 */
export type DeliveryQueue = JobQueue<DeliveryJob> & LaneLeases;

/**
 * One worker at a time works an endpoint's lane (claims its deliveries and posts them), so the endpoint's concurrency
 * cap, pace and order hold however many worker processes share the store. A lane is leased like a job: renewed while
 * its worker works it, handed back when it falls idle, and taken over once its lease lapses or its owner's process is
 * gone; `releaseAbandoned` also frees the lanes of owners that are gone.
 */
export interface LaneLeases {
  /**
   * Leases to `owner` until `until` those of `lanes` that are free, already its own, lapsed at `now`, or held by an
   * owner whose process died; answers the lanes it now holds. Calling it again with the lanes held renews them: a
   * lane missing from the answer was lost and must not be claimed from.
   */
  holdLanes(owner: string, lanes: readonly string[], now: number, until: number): Promise<string[]>;
  /** Hands `owner`'s lanes back (it has nothing of theirs in memory or in flight), so any worker may take them at once. */
  releaseLanes(owner: string, lanes: readonly string[]): Promise<void>;
}

/** One delivery claimed for an attempt, with what the attempt needs (ids only travel in the queue; this is the load). */
export interface DeliveryTask {
  readonly deliveryId: string;
  readonly eventId: string;
  readonly endpointId: string;
  readonly accountId: string;
  readonly eventType: EventType;
  /** The event's creation time, the body's `timestamp`. */
  readonly eventAt: number;
  /** The event's data as stored (JSON text). */
  readonly data: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly trigger: 'scheduled' | 'manual';
}

export interface AttemptResult {
  readonly outcome: DeliveryOutcome;
  readonly statusCode: number | null;
  readonly durationMs: number;
  /** The first bytes of the answer (or the network error), for the attempt log. */
  readonly excerpt: string | null;
}

export interface AttemptRecord extends AttemptResult {
  readonly id: string;
  readonly endpointId: string;
  readonly deliveryId: string | null;
  readonly eventId: string;
  readonly url: string;
  readonly trigger: AttemptTrigger;
  readonly nextAttemptAt: number | null;
  readonly createdAt: number;
}

/** What the worker decided after an attempt; the store writes it, the attempt row and the endpoint's streak together. */
export interface SettledAttempt {
  readonly task: DeliveryTask;
  readonly url: string;
  readonly result: AttemptResult;
  readonly at: number;
  /** delivered, retry at a time, or failed for good (schedule exhausted, or a replay's single attempt). */
  readonly next: { readonly kind: 'delivered' } | { readonly kind: 'retry'; readonly at: number } | { readonly kind: 'failed' };
}

export interface ReplayRequest {
  readonly since?: number;
  readonly until?: number;
  /** true: only failed deliveries; false: every event of the range the endpoint's filter matches, sent once more. */
  readonly failedOnly: boolean;
}

export interface WebhookStore {
  createEndpoint(input: NewEndpoint, now: number): Promise<EndpointRecord>;
  getEndpoint(accountId: string, id: string): Promise<EndpointRecord | undefined>;
  listEndpoints(accountId: string): Promise<EndpointRecord[]>;
  updateEndpoint(accountId: string, id: string, patch: EndpointPatch, now: number): Promise<EndpointRecord | undefined>;
  /** Removes the endpoint with its deliveries and attempts, so its backlog is gone with it. */
  deleteEndpoint(accountId: string, id: string): Promise<boolean>;
  /** Makes `secret` the signing secret; the old one keeps signing until `graceUntil`. */
  rotateSecret(accountId: string, id: string, secret: string, graceUntil: number, now: number): Promise<EndpointRecord | undefined>;
  /** The endpoint with its valid secrets at `now`, for signing (the worker and test sends). */
  getSigningEndpoint(id: string, now: number): Promise<SigningEndpoint | undefined>;

  /**
   * Turns up to `limit` unmarked events into one pending delivery per enabled endpoint of the event's account whose
   * filter matches, and marks the events, in one transaction. Returns how many events it marked and the endpoints
   * that got new deliveries.
   */
  fanOutEvents(now: number, limit: number): Promise<{ events: number; endpointIds: string[] }>;
  /** Enabled endpoints with deliveries in the pending state (due or not). */
  endpointsWithPendingDeliveries(): Promise<string[]>;
  /** Reads what claimed deliveries carry (their events), in the order given; deliveries no longer there are left out. */
  loadDeliveries(jobs: readonly DeliveryJob[]): Promise<DeliveryTask[]>;
  /** Writes each attempt row, its delivery's new state and its endpoint's failure streak, all in one transaction. */
  settleAttempts(settled: readonly SettledAttempt[]): Promise<void>;
  /**
   * Disables the endpoint, fails its pending deliveries (kept for replay) and appends an `endpoint.disabled` event, in
   * one transaction. Returns false when it was already disabled.
   */
  disableEndpoint(id: string, reason: string, now: number): Promise<boolean>;
  /** Records an attempt made outside any delivery (a test send). */
  recordTestAttempt(attempt: Omit<AttemptRecord, 'id' | 'deliveryId' | 'nextAttemptAt'>): Promise<AttemptRecord>;
  listAttempts(endpointId: string, options: { limit: number; cursor?: string }): Promise<{ attempts: AttemptRecord[]; nextCursor: string | null }>;
  /** Queues one manual attempt per matching delivery, due now; returns how many. */
  replay(endpointId: string, request: ReplayRequest, now: number): Promise<number>;
  /** Events of the account not yet delivered: unmarked events plus pending deliveries; each part counted up to `atMost`. */
  countBacklog(accountId: string, atMost?: number): Promise<number>;
}
