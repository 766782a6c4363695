/** Builds Meta's webhook envelope (`entry[].changes[].value`) from queued events, several statuses per change. */
import type { StatusError } from './graph-error.js';

export interface NumberRef {
  readonly wabaId: string;
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
}

export interface StatusPayload {
  readonly id: string;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly timestamp: string;
  /** Absent when the message went to a user id whose phone Meta withholds. */
  readonly recipient_id?: string;
  readonly recipient_user_id?: string;
  readonly pricing?: { readonly billable: boolean; readonly pricing_model: 'PMP'; readonly category: string; readonly type: string };
  readonly errors?: readonly StatusError[];
  readonly biz_opaque_callback_data?: string;
}

export type WebhookEvent =
  | { readonly kind: 'status'; readonly number: NumberRef; readonly status: StatusPayload }
  | {
      readonly kind: 'message';
      readonly number: NumberRef;
      readonly contact: WebhookContact;
      readonly message: Record<string, unknown>;
    }
  | { readonly kind: 'template'; readonly wabaId: string; readonly update: Record<string, unknown> }
  /** Any other business-level change (health, account, template quality and category), posted as given. */
  | { readonly kind: 'field'; readonly wabaId: string; readonly field: string; readonly value: Record<string, unknown> }
  /** A change of its own webhook field (`user_id_update`, `user_preferences` …) about one number. */
  | { readonly kind: 'number_field'; readonly number: NumberRef; readonly field: string; readonly value: Record<string, unknown> };

/** `contacts[]` of a messages webhook: `wa_id` is absent when Meta withholds a username user's phone. */
export interface WebhookContact {
  readonly profile: { readonly name: string; readonly username?: string };
  readonly wa_id?: string;
  readonly user_id: string;
}

export interface WebhookChange {
  readonly field: string;
  readonly value: Record<string, unknown>;
}

export interface WebhookEnvelope {
  readonly object: 'whatsapp_business_account';
  readonly entry: { readonly id: string; readonly changes: WebhookChange[] }[];
}

function wabaOf(event: WebhookEvent): string {
  return event.kind === 'template' || event.kind === 'field' ? event.wabaId : event.number.wabaId;
}

/** One entry per business, one change per (kind, number): events keep their order inside each change. */
export function buildEnvelope(events: readonly WebhookEvent[]): WebhookEnvelope {
  const entries = new Map<string, Map<string, WebhookChange>>();
  for (const event of events) {
    const waba = wabaOf(event);
    let changes = entries.get(waba);
    if (!changes) entries.set(waba, (changes = new Map()));
    if (event.kind === 'template') {
      changes.set(`template:${changes.size}`, { field: 'message_template_status_update', value: event.update });
      continue;
    }
    if (event.kind === 'field') {
      changes.set(`field:${changes.size}`, { field: event.field, value: event.value });
      continue;
    }
    if (event.kind === 'number_field') {
      const metadata = { display_phone_number: event.number.displayPhoneNumber, phone_number_id: event.number.phoneNumberId };
      changes.set(`field:${changes.size}`, { field: event.field, value: { messaging_product: 'whatsapp', metadata, ...event.value } });
      continue;
    }
    const key = `${event.kind}:${event.number.phoneNumberId}`;
    let change = changes.get(key);
    if (!change) {
      change = {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: event.number.displayPhoneNumber, phone_number_id: event.number.phoneNumberId },
          ...(event.kind === 'status' ? { statuses: [] } : { contacts: [], messages: [] }),
        },
      };
      changes.set(key, change);
    }
    if (event.kind === 'status') (change.value.statuses as StatusPayload[]).push(event.status);
    else {
      const contacts = change.value.contacts as WebhookContact[];
      if (!contacts.some((c) => c.user_id === event.contact.user_id)) contacts.push(event.contact);
      (change.value.messages as unknown[]).push(event.message);
    }
  }
  return {
    object: 'whatsapp_business_account',
    entry: [...entries].map(([id, changes]) => ({ id, changes: [...changes.values()] })),
  };
}
