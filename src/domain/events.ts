/** The events Switchboard reports to customers: one closed list of types, written in the transaction that causes them. */

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
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  readonly accountId: string;
  readonly type: EventType;
  /** The message, template or number the event is about. */
  readonly subjectId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}
