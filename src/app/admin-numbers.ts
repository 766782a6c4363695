/**
 * Admin operations on phone numbers, as the admin API and the CLI both perform them: add, list, read, change or
 * (re)assign, remove. A new access token resumes a number Meta had disconnected (the store does that on update).
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import { BOUNDS, checkBound } from '../domain/bounds.js';
import { REGISTRATION_STATES, type PhoneNumber } from '../domain/phone-number.js';
import type { NewPhoneNumber, PhoneNumberPatch, Store } from '../store/store.js';
import { checkOneOf, definedFields, enforce } from './checks.js';
import { requireAccount, requireNumber } from './admin-lookups.js';

/** What an operator sets on a number; undefined leaves a field as it is, `accountId: null` unassigns it. */
export interface NumberChanges {
  readonly phoneNumberId?: string;
  readonly displayPhoneNumber?: string;
  readonly wabaId?: string;
  readonly accountId?: string | null;
  readonly registration?: string;
  readonly maxMps?: number;
  readonly accessToken?: string;
}

export type NewNumberRequest = NumberChanges & Pick<NewPhoneNumber, 'phoneNumberId' | 'displayPhoneNumber' | 'wabaId'>;

/** Checks the changes of the number `numberId` (undefined while adding one). */
async function toPatch(store: Store, changes: NumberChanges, numberId: string | undefined): Promise<PhoneNumberPatch> {
  enforce(checkBound(BOUNDS.maxMps, changes.maxMps));
  const registration = checkOneOf(REGISTRATION_STATES, changes.registration, 'registration');
  if (changes.accountId) await requireAccount(store, changes.accountId, 'account_id');
  const taken = changes.phoneNumberId ? await store.findNumber(changes.phoneNumberId) : undefined;
  if (taken && taken.id !== numberId)
    throw gatewayError('conflict', { detail: `Number ${changes.phoneNumberId} already exists.`, field: 'phone_number_id' });
  return definedFields<PhoneNumberPatch>({ ...changes, registration });
}

export async function addNumber(store: Store, request: NewNumberRequest, now: number): Promise<PhoneNumber> {
  return store.createNumber((await toPatch(store, request, undefined)) as NewPhoneNumber, now);
}

export function listNumbers(store: Store, filter: { readonly accountId?: string }): Promise<PhoneNumber[]> {
  return store.listNumbers(filter.accountId ? { accountId: filter.accountId } : {});
}

export function readNumber(store: Store, ref: string): Promise<PhoneNumber> {
  return requireNumber(store, ref);
}

export async function updateNumber(store: Store, ref: string, changes: NumberChanges, now: number): Promise<PhoneNumber> {
  const number = await requireNumber(store, ref);
  await store.updateNumber(number.id, await toPatch(store, changes, number.id), now);
  return requireNumber(store, number.id);
}

/** Assigns the number to the account and, when asked, makes it the account's default sending number. */
export async function assignNumber(store: Store, ref: string, accountId: string, options: { readonly makeDefault: boolean }, now: number): Promise<PhoneNumber> {
  const number = await updateNumber(store, ref, { accountId }, now);
  if (options.makeDefault) await store.updateAccount(accountId, { defaultNumberId: number.id }, now);
  return number;
}

export async function removeNumber(store: Store, ref: string): Promise<{ readonly id: string }> {
  const number = await requireNumber(store, ref);
  if (!(await store.deleteNumber(number.id))) throw gatewayError('not_found', { detail: `No number ${ref}.` });
  return { id: number.id };
}
