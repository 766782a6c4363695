/**
 * What the dashboard's aggregate endpoints read: grouped counts over messages, queues and webhook attempts, and the
 * stored trail of one message. `accountId: null` reads every account (admin keys only; routes decide who may).
 */
import type { MessageRecord } from '../domain/message.js';

/** A period cut into buckets of `bucketMs`, for one account or all of them. */
export interface StatsWindow {
  readonly accountId: string | null;
  readonly since: number;
  readonly until: number;
  readonly bucketMs: number;
}

/** Messages created in one bucket that are now in `status`. */
export interface StatusCount {
  readonly at: number;
  readonly status: string;
  readonly count: number;
}

/** Failed messages created in one bucket, by the catalog entry of their error. */
export interface FailureCount {
  readonly at: number;
  readonly namespace: string;
  readonly code: number | string;
  readonly count: number;
}

/** One number with its outbox and what it sent in the last minute. */
export interface NumberActivity {
  readonly numberId: string;
  readonly accountId: string | null;
  readonly displayPhoneNumber: string;
  readonly registration: string;
  readonly maxMps: number;
  readonly paused: boolean;
  readonly heldUntil: number | null;
  /** The stored error that paused or parked the number (JSON text of its catalog entry), if any. */
  readonly holdError: string | null;
  readonly jobs: number;
  readonly oldestDueAt: number | null;
  readonly sentLastMinute: number;
}

/** One customer endpoint: its backlog and its attempts since a time. */
export interface EndpointActivity {
  readonly endpointId: string;
  readonly accountId: string;
  readonly url: string;
  readonly enabled: boolean;
  readonly pending: number;
  readonly delivered: number;
  readonly notDelivered: number;
}

export interface HistoryEvent {
  readonly id: string;
  readonly type: string;
  readonly at: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface HistoryAttempt {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly trigger: string;
  readonly outcome: string;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly excerpt: string | null;
  readonly at: number;
}

/** The message's outbox job while it waits to be sent (again): how often the upstream was called, and when next. */
export interface PendingSend {
  readonly attempts: number;
  readonly firstAttemptAt: number | null;
  readonly dueAt: number;
}

export interface MessageHistory {
  readonly message: MessageRecord;
  /** Null once the message left the outbox (sent, or failed for good). */
  readonly pending: PendingSend | null;
  /** Oldest first: accepted, sent, delivered, read or failed (a failure's event carries the upstream's answer). */
  readonly events: readonly HistoryEvent[];
  /** Every customer webhook post of those events, oldest first. */
  readonly attempts: readonly HistoryAttempt[];
}

export interface DashboardReads {
  statusCounts(window: StatsWindow): Promise<StatusCount[]>;
  failureCounts(window: StatsWindow): Promise<FailureCount[]>;
  numberActivity(accountId: string | null, now: number): Promise<NumberActivity[]>;
  endpointActivity(accountId: string | null, since: number): Promise<EndpointActivity[]>;
  messageHistory(accountId: string | null, messageId: string): Promise<MessageHistory | undefined>;
}
