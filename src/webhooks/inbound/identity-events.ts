/**
 * Reads the identity parts of Meta's webhooks: who sent a message (phone when not withheld, business-scoped user id,
 * parent id, username), `user_id_update` and `user_preferences`. Pure; what it cannot read it skips.
 */
import type { ContactIdentity } from '../../domain/contact-identity.js';
import { decideEventTime } from '../../domain/event-time.js';
import type { MarketingPreferenceEvent, MetaWebhookEvent, UserIdChangeEvent } from '../../domain/meta-events.js';

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record).filter((v): v is Json => v !== undefined) : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function identityOf(parts: { phone?: string | undefined; userId?: string | undefined; parentUserId?: string | undefined; username?: string | undefined }): ContactIdentity {
  return Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined)) as ContactIdentity;
}

/**
 * The `contacts[]` entry of the user: matched by user id (always sent since 2026), else by phone; the lone entry only
 * when the item names neither, so a phone is never tied to another user's id.
 */
function contactOf(contacts: readonly Json[], userId: string | undefined, phone: string | undefined): Json | undefined {
  if (userId !== undefined) return contacts.find((c) => text(c.user_id) === userId);
  if (phone !== undefined) return contacts.find((c) => text(c.wa_id) === phone);
  return contacts.length === 1 ? contacts[0] : undefined;
}

/** The sender of an incoming message; `from` is its phone, absent when Meta withheld it. */
export function readSender(message: Json, contacts: readonly Json[]): ContactIdentity {
  const phone = text(message.from);
  const contact = contactOf(contacts, text(message.from_user_id), phone);
  return identityOf({
    phone: phone ?? text(contact?.wa_id),
    userId: text(message.from_user_id) ?? text(contact?.user_id),
    parentUserId: text(message.from_parent_user_id) ?? text(contact?.parent_user_id),
    username: text(record(contact?.profile)?.username),
  });
}

function readUserIdChanges(phoneNumberId: string, value: Json): UserIdChangeEvent[] {
  return list(value.user_id_update).flatMap((update) => {
    const ids = record(update.user_id);
    const previous = text(ids?.previous);
    const current = text(ids?.current);
    if (previous === undefined || current === undefined) return [];
    const phone = text(update.wa_id);
    return [{ kind: 'user_id_change', phoneNumberId, previous, current, ...(phone === undefined ? {} : { phone }) }];
  });
}

function readPreferences(phoneNumberId: string, value: Json, now: number): MarketingPreferenceEvent[] {
  const contacts = list(value.contacts);
  return list(value.user_preferences).flatMap((preference) => {
    if (preference.category !== 'marketing_messages' || (preference.value !== 'stop' && preference.value !== 'resume')) return [];
    const phone = text(preference.wa_id);
    const contact = contactOf(contacts, text(preference.user_id), phone);
    const identity = identityOf({ phone: phone ?? text(contact?.wa_id), userId: text(preference.user_id) ?? text(contact?.user_id) });
    if (identity.phone === undefined && identity.userId === undefined) return [];
    const at = decideEventTime(preference.timestamp, now).at;
    return [{ kind: 'marketing_preference', phoneNumberId, identity, stopped: preference.value === 'stop', at }];
  });
}

/** The events of the identity webhook fields; none for any other field. */
export function readIdentityChange(field: unknown, value: Json, now: number): MetaWebhookEvent[] {
  const phoneNumberId = text(record(value.metadata)?.phone_number_id) ?? '';
  if (field === 'user_id_update') return readUserIdChanges(phoneNumberId, value);
  if (field === 'user_preferences') return readPreferences(phoneNumberId, value, now);
  return [];
}
