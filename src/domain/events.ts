/**
 * The events Switchboard reports to customers: one closed list of types, written in the transaction that causes them,
 * and one builder per type, so each type has exactly one payload shape (snake_case, like the REST API and Meta) whichever
 * store path raises it. The payloads are documented in OpenAPI's `webhooks` section (src/http/schemas/events.ts).
 */
import { errorSummary, type ErrorSummary } from '../catalog/error-summary.js';
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import { echoFields, type MessageEcho } from './delivery.js';
import type { TemplateStatus } from './template.js';

export const EVENT_TYPES = [
  'message.accepted',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'message.received',
  'template.status',
  'account.disconnected',
  'account.reconnected',
  'endpoint.disabled',
  // Health from Meta's webhooks; builders in health-event-builders.ts.
  'number.quality_changed',
  'account.restricted',
  'account.restriction_lifted',
  'account.violation',
  'template.quality_changed',
  'template.category_changed',
  'message.canceled',
  'message.failover',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  readonly accountId: string;
  readonly type: EventType;
  /** The message, template or number the event is about. */
  readonly subjectId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The test-send's type: delivered to one endpoint on request, never stored, so outside EVENT_TYPES. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** How an error reads inside an event: the message view's error, with the detail the failure carried. */
export function eventError(error: SwitchboardError): ErrorSummary {
  return errorSummary({ namespace: error.entry.namespace, code: error.entry.code, detail: error.detail ?? error.entry.title });
}

export interface AcceptedMessageFacts {
  readonly accountId: string;
  readonly messageId: string;
  readonly numberId: string;
  readonly to: string;
  readonly type: string;
  /** The caller's `client_ref` and `metadata`: every event about a message carries them back. */
  readonly echo?: MessageEcho;
}

export function messageAcceptedEvent(m: AcceptedMessageFacts): NewEvent {
  return {
    accountId: m.accountId, type: 'message.accepted', subjectId: m.messageId,
    data: { message_id: m.messageId, number_id: m.numberId, to: m.to, type: m.type, ...echoFields(m.echo) },
  };
}

export interface MessageOutcomeFacts {
  readonly accountId: string;
  readonly messageId: string;
  readonly to: string;
  /** Meta's id, once known: a call refused before Meta answered has none. */
  readonly wamid: string | null;
  readonly echo?: MessageEcho;
}

export type MessageProgressType = 'message.sent' | 'message.delivered' | 'message.read';

/** `userId` is the recipient's business-scoped user id when Meta's status named it, so both identifiers reach the customer. */
export function messageProgressEvent(type: MessageProgressType, m: MessageOutcomeFacts & { readonly userId?: string | undefined }): NewEvent {
  const userId = m.userId === undefined || m.userId === m.to ? {} : { user_id: m.userId };
  return { accountId: m.accountId, type, subjectId: m.messageId, data: { message_id: m.messageId, to: m.to, wamid: m.wamid, ...userId, ...echoFields(m.echo) } };
}

/** A message taken back before it was handed to the upstream; its reservation was refunded in the same commit. */
export function messageCanceledEvent(m: Omit<MessageOutcomeFacts, 'wamid'>): NewEvent {
  return { accountId: m.accountId, type: 'message.canceled', subjectId: m.messageId, data: { message_id: m.messageId, to: m.to, ...echoFields(m.echo) } };
}

export interface FailoverFacts {
  readonly accountId: string;
  readonly messageId: string;
  readonly to: string;
  readonly echo?: MessageEcho;
  /** `triggered`: the SMS was queued as `smsMessageId`; `refused`: it could not go (`error` says why). */
  readonly status: 'triggered' | 'refused';
  readonly reason: 'whatsapp_failed' | 'not_delivered_in_time';
  readonly smsMessageId: string | null;
  readonly error: SwitchboardError | null;
}

/** A WhatsApp message's failover to SMS went (its SMS has events of its own) or could not go. */
export function messageFailoverEvent(f: FailoverFacts): NewEvent {
  return {
    accountId: f.accountId, type: 'message.failover', subjectId: f.messageId,
    data: {
      message_id: f.messageId, to: f.to, channel: 'sms', status: f.status, reason: f.reason, sms_message_id: f.smsMessageId,
      error: f.error ? eventError(f.error) : null, ...echoFields(f.echo),
    },
  };
}

/** `error` is absent only when Meta reported a failure without saying why. */
export function messageFailedEvent(m: MessageOutcomeFacts, error: SwitchboardError | undefined): NewEvent {
  return {
    accountId: m.accountId, type: 'message.failed', subjectId: m.messageId,
    data: { message_id: m.messageId, to: m.to, wamid: m.wamid, error: error ? eventError(error) : null, ...echoFields(m.echo) },
  };
}

export interface ReceivedMessageFacts {
  readonly accountId: string;
  readonly numberId: string;
  readonly wamid: string;
  readonly from: string;
  readonly type: string;
  readonly text: string | undefined;
  /** The sender's business-scoped user id and username, when Meta sent them. */
  readonly userId?: string | undefined;
  readonly username?: string | undefined;
  /** Meta's message object, as Meta sent it. */
  readonly raw: unknown;
}

export function messageReceivedEvent(m: ReceivedMessageFacts): NewEvent {
  return {
    accountId: m.accountId, type: 'message.received', subjectId: m.wamid,
    data: {
      wamid: m.wamid, from: m.from, number_id: m.numberId, type: m.type,
      ...(m.userId === undefined ? {} : { user_id: m.userId }),
      ...(m.username === undefined ? {} : { username: m.username }),
      ...(m.text === undefined ? {} : { text: m.text }),
      message: m.raw,
    },
  };
}

export function accountDisconnectedEvent(accountId: string, numberId: string, error: SwitchboardError): NewEvent {
  return { accountId, type: 'account.disconnected', subjectId: numberId, data: { number_id: numberId, error: eventError(error) } };
}

export function accountReconnectedEvent(accountId: string, numberId: string): NewEvent {
  return { accountId, type: 'account.reconnected', subjectId: numberId, data: { number_id: numberId } };
}

export interface TemplateReviewFacts {
  readonly accountId: string;
  readonly wabaId: string;
  readonly name: string;
  readonly language: string;
  readonly status: TemplateStatus;
  /** Meta's reason for a rejection or a pause; null when it gave none. */
  readonly reason: string | null;
}

export function templateStatusEvent(t: TemplateReviewFacts): NewEvent {
  return {
    accountId: t.accountId, type: 'template.status', subjectId: `${t.wabaId}/${t.name}/${t.language}`,
    data: { waba_id: t.wabaId, name: t.name, language: t.language, status: t.status, reason: t.reason },
  };
}

export interface DisabledEndpointFacts {
  readonly accountId: string;
  readonly endpointId: string;
  readonly url: string;
  readonly reason: string;
  readonly failingSince: number | null;
}

export function endpointDisabledEvent(e: DisabledEndpointFacts): NewEvent {
  return {
    accountId: e.accountId, type: 'endpoint.disabled', subjectId: e.endpointId,
    data: { endpoint_id: e.endpointId, url: e.url, reason: e.reason, failing_since: e.failingSince === null ? null : new Date(e.failingSince).toISOString() },
  };
}

export function webhookTestData(endpointId: string): Readonly<Record<string, unknown>> {
  return { endpoint_id: endpointId, message: 'A test event sent from Switchboard: answer 2xx to acknowledge it.' };
}
