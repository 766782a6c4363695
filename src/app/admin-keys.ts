/** Admin operations on API keys, as the admin API and the CLI both perform them: issue (the secret once), list, revoke. */
import { gatewayError } from '../catalog/switchboard-error.js';
import { KEY_KINDS, type KeyKind } from '../domain/api-key.js';
import { issueKey } from '../store/api-keys.js';
import type { ApiKeyRecord, Store } from '../store/store.js';
import { checkOneOf } from './checks.js';
import { requireAccount } from './admin-lookups.js';

export interface NewKeyRequest {
  /** Default: `account` when an account is named, else `admin`. */
  readonly kind?: string;
  readonly accountId?: string;
  readonly name?: string;
}

export async function createKey(store: Store, request: NewKeyRequest, now: number): Promise<{ record: ApiKeyRecord; secret: string }> {
  const { accountId } = request;
  const kind = checkOneOf(KEY_KINDS, request.kind, 'kind') ?? (accountId ? 'account' : 'admin');
  if (kind === 'account' && !accountId) throw gatewayError('missing_required_field', { detail: 'An account key needs `account_id`.', field: 'account_id' });
  if (kind === 'admin' && accountId) throw gatewayError('invalid_request', { detail: 'Admin keys belong to no account.', field: 'account_id' });
  if (accountId) await requireAccount(store, accountId, 'account_id');
  return issueKey(store, { kind, accountId: accountId ?? null, name: request.name ?? '' }, now);
}

export function listKeys(store: Store, filter: { readonly accountId?: string; readonly kind?: KeyKind }): Promise<ApiKeyRecord[]> {
  return store.listKeys({ ...(filter.accountId ? { accountId: filter.accountId } : {}), ...(filter.kind ? { kind: filter.kind } : {}) });
}

export async function revokeKey(store: Store, id: string, now: number): Promise<ApiKeyRecord> {
  const key = await store.revokeKey(id, now);
  if (!key) throw gatewayError('not_found', { detail: `No key ${id}.` });
  return key;
}
