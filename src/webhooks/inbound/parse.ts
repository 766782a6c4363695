/**
 * Reads a Cloud API webhook batch (`entry[].changes[].value`) into typed events: message statuses, customer
 * messages, template review changes, account-level errors and identity changes (identity-events.ts). Pure; what it
 * cannot read it skips, never throws.
 */
import { normalizeStatusError } from '../../catalog/normalize.js';
import { decideEventTime } from '../../domain/event-time.js';
import { readHealthChange, readPricing } from './health-events.js';
import { readIdentityChange, readSender } from './identity-events.js';
import { list, record, text, type Json } from './json-fields.js';
import { UPSTREAM_STATUSES, type AccountErrorEvent, type CustomerMessageEvent, type MetaWebhookEvent, type StatusEvent, type TemplateStatusEvent } from '../../domain/meta-events.js';

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return (values as readonly unknown[]).includes(value);
}

function readStatus(phoneNumberId: string, status: Json, now: number): StatusEvent | undefined {
  const wamid = text(status.id);
  if (wamid === undefined || !isOneOf(UPSTREAM_STATUSES, status.status)) return undefined;
  const category = text(record(status.pricing)?.category);
  const callbackData = text(status.biz_opaque_callback_data);
  const pricing = readPricing(status.pricing);
  return {
    kind: 'status',
    phoneNumberId,
    wamid,
    status: status.status,
    at: decideEventTime(status.timestamp, now).at,
    recipientId: text(status.recipient_id) ?? '',
    ...(typeof status.recipient_user_id === 'string' ? { recipientUserId: status.recipient_user_id } : {}),
    errors: list(status.errors).map((e) => normalizeStatusError(e, 'meta')),
    ...(category === undefined ? {} : { pricingCategory: category }),
    ...(pricing === undefined ? {} : { pricing }),
    ...(callbackData === undefined ? {} : { callbackData }),
  };
}

/** The words a customer chose: body of a text, or the label/payload of the button they pressed. */
function replyText(message: Json): string | undefined {
  const interactive = record(message.interactive);
  return (
    text(record(message.text)?.body) ??
    text(record(message.button)?.text) ??
    text(record(message.button)?.payload) ??
    text(record(interactive?.button_reply)?.title) ??
    text(record(interactive?.list_reply)?.title)
  );
}

function readMessage(phoneNumberId: string, message: Json, contacts: Json[], now: number): CustomerMessageEvent | undefined {
  const wamid = text(message.id);
  const identity = readSender(message, contacts);
  // A username user's phone may be withheld: the user id then names the sender.
  const from = identity.phone ?? identity.userId;
  if (wamid === undefined || from === undefined) return undefined;
  const body = replyText(message);
  const profileName = text(record(contacts.find((c) => text(c.wa_id) === from || text(c.user_id) === from)?.profile)?.name);
  return {
    kind: 'message',
    phoneNumberId,
    wamid,
    from,
    at: decideEventTime(message.timestamp, now).at,
    type: text(message.type) ?? 'unknown',
    ...(body === undefined ? {} : { text: body }),
    ...(profileName === undefined ? {} : { profileName }),
    identity,
    raw: message,
  };
}

function readMessagesChange(wabaId: string, value: Json, now: number): MetaWebhookEvent[] {
  const phoneNumberId = text(record(value.metadata)?.phone_number_id) ?? '';
  const contacts = list(value.contacts);
  const events: Array<MetaWebhookEvent | undefined> = [
    ...list(value.statuses).map((s) => readStatus(phoneNumberId, s, now)),
    ...list(value.messages).map((m) => readMessage(phoneNumberId, m, contacts, now)),
    ...list(value.errors).map((e): AccountErrorEvent => ({ kind: 'account_error', wabaId, ...(phoneNumberId ? { phoneNumberId } : {}), error: normalizeStatusError(e, 'meta') })),
  ];
  return events.filter((e): e is MetaWebhookEvent => e !== undefined);
}

function readTemplateChange(wabaId: string, value: Json): TemplateStatusEvent[] {
  const name = text(value.message_template_name);
  const event = text(value.event);
  if (name === undefined || event === undefined) return [];
  const templateId = text(value.message_template_id);
  const reason = text(value.reason);
  return [
    {
      kind: 'template_status',
      wabaId,
      name,
      language: text(value.message_template_language) ?? '',
      event,
      ...(templateId === undefined ? {} : { templateId }),
      ...(reason === undefined || reason === 'NONE' ? {} : { reason }),
    },
  ];
}

/** `now` (the time of receipt) bounds the timestamps Meta claims; see domain/event-time.ts. */
export function parseMetaWebhook(payload: unknown, now: number): MetaWebhookEvent[] {
  return list(record(payload)?.entry).flatMap((entry) => {
    const wabaId = text(entry.id) ?? '';
    return list(entry.changes).flatMap((change) => {
      const value = record(change.value) ?? {};
      if (change.field === 'messages') return readMessagesChange(wabaId, value, now);
      if (change.field === 'message_template_status_update') return readTemplateChange(wabaId, value);
      return readHealthChange(change.field, wabaId, value) ?? readIdentityChange(change.field, value, now);
    });
  });
}
