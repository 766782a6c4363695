/** What a message is once validated: the recipient, its type, and the Cloud API payload the dispatcher will send. */
import type { DeliveryOptions } from './delivery.js';
import type { MessageState } from './message-state.js';
import type { MediaSource } from './validation/media.js';

export const MESSAGE_TYPES = [
  'text',
  'template',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface TemplateRef {
  readonly name: string;
  readonly language: string;
  readonly components: readonly Record<string, unknown>[];
}

export interface OutboundMessage {
  /** The recipient as Meta's `wa_id`: country code and digits. */
  readonly to: string;
  readonly type: MessageType;
  /** The Cloud API request body (without `to`'s + or gateway-only fields), exactly as it will be posted. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly media?: MediaSource;
  readonly template?: TemplateRef;
}

/** A stored message, as the API shows it. */
export interface MessageRecord {
  readonly id: string;
  readonly accountId: string;
  readonly numberId: string;
  readonly to: string;
  readonly type: MessageType;
  readonly status: MessageState;
  readonly payload: Readonly<Record<string, unknown>>;
  /** When the message entered each state it has been in (epoch ms). */
  readonly statusTimes: Readonly<Partial<Record<MessageState, number>>>;
  readonly wamid: string | null;
  readonly error: { readonly namespace: string; readonly code: number | string; readonly detail?: string } | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When it may leave and until when, its lane, and what the caller attached to it. */
  readonly delivery: DeliveryOptions;
  /** The failover to SMS it was sent with; absent = none. */
  readonly failover?: MessageFailover;
}

export interface MessageFailover {
  readonly state: string;
  readonly afterSeconds: number | null;
  /** The SMS it became, once triggered. */
  readonly smsMessageId: string | null;
  readonly error: { readonly namespace: string; readonly code: number | string; readonly detail?: string } | null;
}

export function isMessageType(value: string): value is MessageType {
  return (MESSAGE_TYPES as readonly string[]).includes(value);
}
