/** Meta's webhook events as Switchboard reads them (webhooks/inbound/parse.ts builds them): plain data for the rules and the store. */
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import type { MetaHealthEvent, StatusPricing } from './meta-health-events.js';

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

export type MetaWebhookEvent = StatusEvent | CustomerMessageEvent | TemplateStatusEvent | AccountErrorEvent | MetaHealthEvent;
