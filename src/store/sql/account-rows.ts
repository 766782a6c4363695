/** Maps rows of accounts, API keys and phone numbers to the domain's records, on every engine. */
import type { Selectable } from 'kysely';
import type { Account, AccountState } from '../../domain/account.js';
import type { Priority } from '../../domain/delivery.js';
import type { PhoneNumber, RegistrationState } from '../../domain/phone-number.js';
import type { ApiKeyRecord, KeyKind } from '../store.js';
import type { AccountsTable, ApiKeysTable, PhoneNumbersTable } from './schema.js';
import { reportedHealth } from './sql-health.js';

export function toAccount(r: Selectable<AccountsTable>): Account {
  return {
    id: r.id, name: r.name, state: r.state as AccountState, expiresAt: r.expires_at, ipAllowList: JSON.parse(r.ip_allow_list) as string[],
    rateLimitPerSecond: r.rate_limit_per_second, credit: r.credit, defaultNumberId: r.default_number_id,
    createdAt: r.created_at, updatedAt: r.updated_at,
    deliveryDefaults: { priority: r.default_priority as Priority, validitySeconds: r.default_validity_seconds },
  };
}

export function toKey(r: Selectable<ApiKeysTable>): ApiKeyRecord {
  return { id: r.id, kind: r.kind as KeyKind, accountId: r.account_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at };
}

export function toNumber(r: Selectable<PhoneNumbersTable>): PhoneNumber {
  return {
    id: r.id, phoneNumberId: r.phone_number_id, displayPhoneNumber: r.display_phone_number, wabaId: r.waba_id,
    accountId: r.account_id, registration: r.registration as RegistrationState, maxMps: r.max_mps,
    hasAccessToken: r.access_token_sealed !== null, disconnected: r.paused === 1, ...reportedHealth(r), createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
