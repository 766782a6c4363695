/** Admin operations on accounts (tenants), as the admin API and the CLI both perform them: create, list, read, change, disable. */
import { gatewayError } from '../catalog/switchboard-error.js';
import { ACCOUNT_STATES, type Account, type AccountState } from '../domain/account.js';
import { BOUNDS, checkBound } from '../domain/bounds.js';
import { PRIORITIES } from '../domain/delivery.js';
import { isValidAllowEntry } from '../domain/ip-allow-list.js';
import type { AccountPatch, Store } from '../store/store.js';
import { checkOneOf, definedFields, enforce, parseTime } from './checks.js';
import { requireAccount } from './admin-lookups.js';
import { setCreditBalance } from './admin-credit.js';

/** What an operator sets on an account; undefined leaves a field as it is, null clears it. `credit` moves through the ledger. */
export interface AccountChanges extends Pick<AccountPatch, 'name' | 'ipAllowList' | 'rateLimitPerSecond' | 'credit' | 'defaultValiditySeconds'> {
  /** The lane of sends that name none. */
  readonly defaultPriority?: string;
  readonly state?: string;
  /** ISO 8601; null = never expires. */
  readonly expiresAt?: string | null;
  /** `num_…` or phone_number_id of a number already assigned to this account; null = none. */
  readonly defaultNumber?: string | null;
}

/** Checks the changes; `accountId` is known for updates, so a default number can be checked against it. */
async function toPatch(store: Store, changes: AccountChanges, accountId: string | undefined): Promise<AccountPatch> {
  const badEntry = changes.ipAllowList?.find((e) => !isValidAllowEntry(e));
  if (badEntry !== undefined)
    throw gatewayError('invalid_request', { detail: `"${badEntry}" is not an IP address or CIDR block.`, field: 'ip_allow_list' });
  enforce(
    checkBound(BOUNDS.rateLimitPerSecond, changes.rateLimitPerSecond), checkBound(BOUNDS.credit, changes.credit),
    checkBound(BOUNDS.defaultValiditySeconds, changes.defaultValiditySeconds),
  );
  return definedFields<AccountPatch>({
    name: changes.name, state: checkOneOf(ACCOUNT_STATES, changes.state, 'state'), expiresAt: parseTime(changes.expiresAt, 'expires_at'),
    ipAllowList: changes.ipAllowList, rateLimitPerSecond: changes.rateLimitPerSecond, credit: changes.credit,
    defaultNumberId: changes.defaultNumber ? await defaultNumberId(store, changes.defaultNumber, accountId) : changes.defaultNumber,
    defaultPriority: checkOneOf(PRIORITIES, changes.defaultPriority, 'default_priority'), defaultValiditySeconds: changes.defaultValiditySeconds,
  });
}

async function defaultNumberId(store: Store, ref: string, accountId: string | undefined): Promise<string> {
  const number = await store.findNumber(ref);
  if (!number || accountId === undefined || number.accountId !== accountId)
    throw gatewayError('invalid_request', { detail: 'The default number must be assigned to this account first.', field: 'default_number_id' });
  return number.id;
}

/** A balance that is set moves through the ledger, so it is written apart from the other fields. */
function splitCredit(patch: AccountPatch): { rest: AccountPatch; credit: number | undefined } {
  if (patch.credit === undefined || patch.credit === null) return { rest: patch, credit: undefined };
  const { credit, ...rest } = patch;
  return { rest, credit };
}

export async function createAccount(store: Store, changes: AccountChanges & { readonly name: string }, now: number): Promise<Account> {
  const { rest, credit } = splitCredit(await toPatch(store, changes, undefined));
  const account = await store.createAccount({ ...rest, name: changes.name }, now);
  if (credit === undefined) return account;
  await setCreditBalance(store, account.id, credit, now);
  return requireAccount(store, account.id);
}

export function listAccounts(store: Store): Promise<Account[]> {
  return store.listAccounts();
}

export function readAccount(store: Store, id: string): Promise<Account> {
  return requireAccount(store, id);
}

export async function updateAccount(store: Store, id: string, changes: AccountChanges, now: number): Promise<Account> {
  await requireAccount(store, id);
  const { rest, credit } = splitCredit(await toPatch(store, changes, id));
  await store.updateAccount(id, rest, now);
  if (credit !== undefined) await setCreditBalance(store, id, credit, now);
  return requireAccount(store, id);
}

export async function setAccountState(store: Store, id: string, state: AccountState, now: number): Promise<Account> {
  await requireAccount(store, id);
  await store.updateAccount(id, { state }, now);
  return requireAccount(store, id);
}
