/** What applying Meta's webhooks needs from the store: the raw deliveries, and their effects as atomic operations. */
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import type { CustomerMessageEvent, StatusEvent } from '../domain/meta-events.js';

export interface PendingMetaWebhook {
  readonly id: string;
  readonly body: string;
}

/** Where a number's customer messages belong. */
export interface NumberOwner {
  readonly numberId: string;
  readonly accountId: string | null;
}

export type StatusOutcome = 'moved' | 'unchanged' | 'unknown_message';

export interface InboundStore {
  /** Keeps Meta's POST exactly as it came, before it is acknowledged. */
  saveMetaWebhook(body: string, now: number): Promise<string>;
  pendingMetaWebhooks(limit: number): Promise<PendingMetaWebhook[]>;
  markMetaWebhooksApplied(ids: readonly string[], now: number): Promise<void>;
  /**
   * Moves each message a status names (by wamid, or by our id echoed in biz_opaque_callback_data, which then ties the
   * wamid to it) through the state machine, all in one transaction; a late or repeated status changes nothing. Appends
   * the matching events.
   */
  applyStatuses(statuses: readonly { status: StatusEvent; error: SwitchboardError | undefined }[], now: number): Promise<StatusOutcome[]>;
  findNumberOwner(phoneNumberId: string): Promise<NumberOwner | undefined>;
  /**
   * Stores a customer message once (Meta re-sends), with its message.received event the first time. Answers when the
   * message was received as first stored, so a re-sent one (whose believed time may be a later receipt) moves no window.
   */
  saveCustomerMessage(owner: NumberOwner, message: CustomerMessageEvent, now: number): Promise<number>;
  /** A customer message stored from a webhook, by Meta's id: where it arrived and who sent it. */
  findCustomerMessage(wamid: string): Promise<(NumberOwner & { readonly sender: string }) | undefined>;
}
