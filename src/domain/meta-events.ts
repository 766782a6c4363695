/** Meta's webhook events as Switchboard reads them (webhooks/inbound/parse.ts builds them): plain data for the rules and the store. */
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import type { MetaHealthEvent, StatusPricing } from './meta-health-events.js';
import type { ContactIdentity } from './contact-identity.js';

export const UPSTREAM_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type UpstreamStatus = (typeof UPSTREAM_STATUSES)[number];

export interface StatusEvent {
  readonly kind: 'status';
  readonly phoneNumberId: string;
  readonly wamid: string;
  readonly status: UpstreamStatus;
  /** Milliseconds since the epoch (Meta sends seconds); the time of receipt when Meta's is not believable. */
  readonly at: number;
  readonly recipientId: string;
  /** The recipient's business-scoped user id, when Meta sent it. */
  readonly recipientUserId?: string;
  readonly errors: readonly SwitchboardError[];
  readonly pricingCategory?: string;
  readonly pricing?: StatusPricing;
  /** Our message id, echoed from the send's biz_opaque_callback_data: ties the wamid to the message. */
  readonly callbackData?: string;
}

export interface CustomerMessageEvent {
  readonly kind: 'message';
  readonly phoneNumberId: string;
  readonly wamid: string;
  readonly from: string;
  readonly at: number;
  readonly type: string;
  /** Text of a text message, or the title/payload of a button or interactive reply: what keyword rules read. */
  readonly text?: string;
  readonly profileName?: string;
  /** The sender as Meta named them: phone (when not withheld), business-scoped user id, parent id, username. */
  readonly identity?: ContactIdentity;
  readonly raw: unknown;
}

export interface TemplateStatusEvent {
  readonly kind: 'template_status';
  readonly wabaId: string;
  readonly templateId?: string;
  readonly name: string;
  readonly language: string;
  /** Meta's event as sent (APPROVED, REJECTED, PAUSED, IN_APPEAL, FLAGGED …); domain/templates/status.ts reads it. */
  readonly event: string;
  readonly reason?: string;
}

export interface AccountErrorEvent {
  readonly kind: 'account_error';
  readonly wabaId: string;
  readonly phoneNumberId?: string;
  readonly error: SwitchboardError;
}

/** `user_id_update`: a phone change gave the user a new business-scoped user id. */
export interface UserIdChangeEvent {
  readonly kind: 'user_id_change';
  readonly phoneNumberId: string;
  readonly previous: string;
  readonly current: string;
  /** The user's phone after the change, when Meta tells it. */
  readonly phone?: string;
}

/** `user_preferences`: the user stopped or resumed marketing messages from the business. */
export interface MarketingPreferenceEvent {
  readonly kind: 'marketing_preference';
  readonly phoneNumberId: string;
  readonly identity: ContactIdentity;
  readonly stopped: boolean;
  readonly at: number;
}

export type MetaWebhookEvent = StatusEvent | CustomerMessageEvent | TemplateStatusEvent | AccountErrorEvent | UserIdChangeEvent | MarketingPreferenceEvent | MetaHealthEvent;
