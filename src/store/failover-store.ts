/**
 * WhatsApp-to-SMS failover, as the store keeps it: the failovers to look at (their message failed, was delivered, or
 * their wait ran out), and the two ways one ends. Triggering writes the SMS message, its outbox job, its credit
 * reservation and the events in the same transaction that ends the failover, so an SMS is queued once at most.
 */
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import type { MessageEcho } from '../domain/delivery.js';
import type { FailoverRequest } from '../domain/failover.js';
import type { MessageState } from '../domain/message-state.js';

export interface PendingFailover {
  readonly messageId: string;
  readonly accountId: string;
  readonly to: string;
  readonly status: MessageState;
  /** The WhatsApp message's error, when it has one. */
  readonly error: { readonly namespace: string; readonly code: number | string } | null;
  readonly dueAt: number | null;
  readonly request: FailoverRequest;
  readonly echo: MessageEcho;
}

export interface FailoverSms {
  readonly reason: 'whatsapp_failed' | 'not_delivered_in_time';
  /** The routed connector the SMS job is queued on. */
  readonly connectorId: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Credit to reserve (segments × price; 0 off prepaid credit). */
  readonly cost: number;
}

export type FailoverOutcome =
  | { readonly kind: 'triggered'; readonly smsMessageId: string }
  /** The account's credit no longer covers the SMS: the failover ended refused. */
  | { readonly kind: 'refused' }
  /** Another worker (or an earlier run) ended it already. */
  | { readonly kind: 'gone' };

export interface FailoverStore {
  /** Pending failovers whose message reached a final state or whose wait ran out by `now`, oldest first. */
  dueFailovers(now: number, limit: number): Promise<PendingFailover[]>;
  /** Queues the SMS and ends the failover as triggered, once; refuses it when credit falls short. */
  triggerFailover(pending: PendingFailover, sms: FailoverSms, now: number): Promise<FailoverOutcome>;
  /** Ends a pending failover unused (`not_needed`), or refused with the error that stopped its SMS (a `message.failover` event). */
  closeFailover(pending: PendingFailover, outcome: { readonly state: 'not_needed' } | { readonly state: 'refused'; readonly reason: FailoverSms['reason']; readonly error: SwitchboardError }, now: number): Promise<void>;
}
