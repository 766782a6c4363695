/**
 * Reads the identity parts of Meta's webhooks: who sent a message (phone when not withheld, business-scoped user id,
 * parent id, username), `user_id_update` and `user_preferences`. Pure; what it cannot read it skips.
 */
import type { ContactIdentity } from '../../domain/contact-identity.js';
import { decideEventTime } from '../../domain/event-time.js';
import type { MarketingPreferenceEvent, MetaWebhookEvent, UserIdChangeEvent } from '../../domain/meta-events.js';
import { list, record, text, type Json } from './json-fields.js';

/** An identifier: an empty string names nobody. */
function present(value: unknown): string | undefined {
  const read = text(value);
  return read === '' ? undefined : read;
}

function identityOf(parts: { phone?: string | undefined; userId?: string | undefined; parentUserId?: string | undefined; username?: string | undefined }): ContactIdentity {
  return Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined)) as ContactIdentity;
}

/**
 * The `contacts[]` entry of the user: matched by user id (always sent since 2026), else by phone; the lone entry only
 * when the item names neither, so a phone is never tied to another user's id.
 */
function contactOf(contacts: readonly Json[], userId: string | undefined, phone: string | undefined): Json | undefined {
  if (userId !== undefined) return contacts.find((c) => present(c.user_id) === userId);
  if (phone !== undefined) return contacts.find((c) => present(c.wa_id) === phone);
  return contacts.length === 1 ? contacts[0] : undefined;
}

/** The sender of an incoming message; `from` is its phone, absent when Meta withheld it. */
export function readSender(message: Json, contacts: readonly Json[]): ContactIdentity {
  const phone = present(message.from);
  const contact = contactOf(contacts, present(message.from_user_id), phone);
  return identityOf({
    phone: phone ?? present(contact?.wa_id),
    userId: present(message.from_user_id) ?? present(contact?.user_id),
    parentUserId: present(message.from_parent_user_id) ?? present(contact?.parent_user_id),
    username: present(record(contact?.profile)?.username),
  });
}

function readUserIdChanges(phoneNumberId: string, value: Json): UserIdChangeEvent[] {
  return list(value.user_id_update).flatMap((update) => {
    const ids = record(update.user_id);
    const previous = present(ids?.previous);
    const current = present(ids?.current);
    if (previous === undefined || current === undefined) return [];
    const phone = present(update.wa_id);
    return [{ kind: 'user_id_change', phoneNumberId, previous, current, ...(phone === undefined ? {} : { phone }) }];
  });
}

function readPreferences(phoneNumberId: string, value: Json, now: number): MarketingPreferenceEvent[] {
  const contacts = list(value.contacts);
  return list(value.user_preferences).flatMap((preference) => {
    if (preference.category !== 'marketing_messages' || (preference.value !== 'stop' && preference.value !== 'resume')) return [];
    const phone = present(preference.wa_id);
    const contact = contactOf(contacts, present(preference.user_id), phone);
    const identity = identityOf({ phone: phone ?? present(contact?.wa_id), userId: present(preference.user_id) ?? present(contact?.user_id) });
    if (identity.phone === undefined && identity.userId === undefined) return [];
    const at = decideEventTime(preference.timestamp, now).at;
    return [{ kind: 'marketing_preference', phoneNumberId, identity, stopped: preference.value === 'stop', at }];
  });
}

/** The events of the identity webhook fields; none for any other field. */
export function readIdentityChange(field: unknown, value: Json, now: number): MetaWebhookEvent[] {
  const phoneNumberId = present(record(value.metadata)?.phone_number_id) ?? '';
  if (field === 'user_id_update') return readUserIdChanges(phoneNumberId, value);
  if (field === 'user_preferences') return readPreferences(phoneNumberId, value, now);
  return [];
}
