/**
 * Users as Meta names them to a business since 2026: a business-scoped user id in every messages webhook, the phone
 * withheld for username users who ask for it, `user_id_update` when a phone change brings a new id, and
 * `user_preferences` when a user stops or resumes marketing messages.
 */
import type { SimCore } from './sim-core.js';
import { derivedUserId, pairKey } from './state.js';
import type { MarketingPreferenceInput, PhoneChangeInput } from './types.js';
import type { WebhookContact } from './webhook-payload.js';

/** The `contacts[]` entry of a messages webhook about this user. */
export function webhookContact(core: SimCore, waId: string, name: string): WebhookContact {
  const contact = core.state.contacts.get(waId);
  const profile = { name, ...(contact?.username === undefined ? {} : { username: contact.username }) };
  return { profile, ...(contact?.withholdPhone ? {} : { wa_id: waId }), user_id: core.state.userIdOf(waId) };
}

/** An inbound message as the business sees it: the sender's user id always, `from` only while the phone is shown. */
export function withSender(core: SimCore, waId: string, message: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...message, from_user_id: core.state.userIdOf(waId) };
  if (core.state.contacts.get(waId)?.withholdPhone === true) delete shown.from;
  return shown;
}

/** The phone behind a `recipient` user id (or parent id), when the simulator knows the user. */
export function phoneOfUserId(core: SimCore, userId: string): string | undefined {
  return core.state.userIds.get(userId);
}

export function changeUserPhone(core: SimCore, input: PhoneChangeInput): { userId: string } {
  const number = core.state.requireNumber(input.phoneNumberId);
  const [from, to] = [input.from.replace(/\D/g, ''), input.to.replace(/\D/g, '')];
  const previous = core.state.userIdOf(from);
  const old = core.state.contacts.get(from);
  const userId = input.userId ?? derivedUserId(to);
  core.state.contacts.delete(from);
  core.state.userIds.delete(previous);
  core.state.setContact({ ...(old ?? {}), waId: to, userId });
  // The conversation moves with the user: the window the old phone had stays open for the new one.
  const window = core.state.lastInbound.get(pairKey(number.phoneNumberId, from));
  if (window !== undefined) core.state.lastInbound.set(pairKey(number.phoneNumberId, to), window);
  const name = old?.name ?? `Customer ${to.slice(-4)}`;
  const value = {
    contacts: [webhookContact(core, to, name)],
    user_id_update: [{ wa_id: to, detail: `User id for ${name} has been updated.`, user_id: { previous, current: userId }, timestamp: core.timestamp() }],
  };
  core.webhooks.enqueue({ kind: 'number_field', number: core.numberRef(number), field: 'user_id_update', value }, 0);
  return { userId };
}

export function setMarketingPreference(core: SimCore, input: MarketingPreferenceInput): void {
  const number = core.state.requireNumber(input.phoneNumberId);
  const waId = input.waId.replace(/\D/g, '');
  const contact = core.state.setContact({ ...(core.state.contacts.get(waId) ?? {}), waId, marketingOptOut: input.value === 'stop' });
  const name = contact.name ?? `Customer ${waId.slice(-4)}`;
  const shown = webhookContact(core, waId, name);
  const preference = {
    ...(shown.wa_id === undefined ? {} : { wa_id: shown.wa_id }),
    user_id: shown.user_id,
    detail: `User requested to ${input.value} marketing messages`,
    category: 'marketing_messages',
    value: input.value,
    timestamp: Number(core.timestamp()),
  };
  core.webhooks.enqueue({ kind: 'number_field', number: core.numberRef(number), field: 'user_preferences', value: { contacts: [shown], user_preferences: [preference] } }, 0);
}
