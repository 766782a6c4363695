/** Maps SQLite rows to the domain's records; the one place that knows the column names. */
import type { Account, AccountState } from '../../domain/account.js';
import type { MessageRecord, MessageType } from '../../domain/message.js';
import type { MessageState } from '../../domain/message-state.js';
import type { PhoneNumber, RegistrationState } from '../../domain/phone-number.js';
import type { TemplateRecord, TemplateStatus } from '../../domain/template.js';
import type { ApiKeyRecord, KeyKind, MediaRecord } from '../store.js';

export interface AccountRow {
  id: string; name: string; state: string; expires_at: number | null; ip_allow_list: string;
  rate_limit_per_second: number | null; credit: number | null; default_number_id: string | null;
  created_at: number; updated_at: number;
}
export interface KeyRow {
  id: string; kind: string; account_id: string | null; name: string; prefix: string; secret_hash: string;
  created_at: number; revoked_at: number | null;
}
export interface NumberRow {
  id: string; phone_number_id: string; display_phone_number: string; waba_id: string; account_id: string | null;
  registration: string; max_mps: number; access_token_sealed: string | null; created_at: number; updated_at: number;
  paused: number;
}
export interface MessageRow {
  id: string; account_id: string; number_id: string; recipient: string; type: string; status: string; payload: string;
  status_times: string; wamid: string | null; error: string | null; created_at: number; updated_at: number;
}
export interface TemplateRow {
  waba_id: string; name: string; language: string; status: string; category: string; components: string; updated_at: number;
}
export interface MediaRow {
  id: string; account_id: string; number_id: string | null; mime_type: string; bytes: number; sha256: string;
  filename: string | null; created_at: number;
}

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id, name: r.name, state: r.state as AccountState, expiresAt: r.expires_at, ipAllowList: JSON.parse(r.ip_allow_list) as string[],
    rateLimitPerSecond: r.rate_limit_per_second, credit: r.credit, defaultNumberId: r.default_number_id,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toKey(r: KeyRow): ApiKeyRecord {
  return { id: r.id, kind: r.kind as KeyKind, accountId: r.account_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at };
}

export function toNumber(r: NumberRow): PhoneNumber {
  return {
    id: r.id, phoneNumberId: r.phone_number_id, displayPhoneNumber: r.display_phone_number, wabaId: r.waba_id,
    accountId: r.account_id, registration: r.registration as RegistrationState, maxMps: r.max_mps,
    hasAccessToken: r.access_token_sealed !== null, disconnected: r.paused === 1, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toMessage(r: MessageRow): MessageRecord {
  return {
    id: r.id, accountId: r.account_id, numberId: r.number_id, to: r.recipient, type: r.type as MessageType,
    status: r.status as MessageState, payload: JSON.parse(r.payload) as Record<string, unknown>,
    statusTimes: JSON.parse(r.status_times) as MessageRecord['statusTimes'], wamid: r.wamid,
    error: r.error === null ? null : (JSON.parse(r.error) as MessageRecord['error']), createdAt: r.created_at, updatedAt: r.updated_at,
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
