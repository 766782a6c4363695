/** Maps rows of messages, templates and media to the domain's records (accounts, keys and numbers: account-rows.ts). */
import type { Selectable } from 'kysely';
import type { Priority } from '../../domain/delivery.js';
import type { MessageFailover, MessageRecord, MessageType } from '../../domain/message.js';
import type { MessageState } from '../../domain/message-state.js';
import type { TemplateRecord, TemplateStatus } from '../../domain/template.js';
import type { MediaRecord } from '../store.js';
import type { MediaTable, MessagesTable, TemplatesTable } from './schema.js';

export type MessageRow = Selectable<MessagesTable>;
export type TemplateRow = Pick<Selectable<TemplatesTable>, 'waba_id' | 'name' | 'language' | 'status' | 'category' | 'components' | 'updated_at'>;
export type MediaRow = Selectable<MediaTable>;

export function toMessage(r: MessageRow): MessageRecord {
  return {
    id: r.id, accountId: r.account_id, numberId: r.number_id, to: r.recipient, type: r.type as MessageType,
    status: r.status as MessageState, payload: JSON.parse(r.payload) as Record<string, unknown>,
    statusTimes: JSON.parse(r.status_times) as MessageRecord['statusTimes'], wamid: r.wamid,
    error: r.error === null ? null : (JSON.parse(r.error) as MessageRecord['error']), createdAt: r.created_at, updatedAt: r.updated_at,
    delivery: {
      sendAt: r.send_at, expiresAt: r.expires_at, priority: r.priority as Priority, clientRef: r.client_ref,
      metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Record<string, unknown>),
    },
    ...(r.failover_state ? { failover: toFailover(r) } : {}),
  };
}

function toFailover(r: MessageRow): MessageFailover {
  const request = JSON.parse(r.failover ?? '{}') as { afterSeconds?: number };
  return {
    state: r.failover_state ?? 'pending', afterSeconds: request.afterSeconds ?? null, smsMessageId: r.failover_message_id ?? null,
    error: r.failover_error ? (JSON.parse(r.failover_error) as MessageFailover['error']) : null,
  };
}

export function toTemplate(r: TemplateRow): TemplateRecord {
  return {
    wabaId: r.waba_id, name: r.name, language: r.language, status: r.status as TemplateStatus, category: r.category,
    components: JSON.parse(r.components) as TemplateRecord['components'], updatedAt: r.updated_at,
  };
}

export function toMedia(r: MediaRow): MediaRecord {
  return {
    id: r.id, accountId: r.account_id, numberId: r.number_id, mimeType: r.mime_type, bytes: r.bytes, sha256: r.sha256,
    filename: r.filename, createdAt: r.created_at,
  };
}
