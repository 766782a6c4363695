/** The records an admin operation acts on, or `not_found` naming the field that pointed at nothing. */
import { gatewayError } from '../catalog/switchboard-error.js';
import type { Account } from '../domain/account.js';
import type { PhoneNumber } from '../domain/phone-number.js';
import type { Store } from '../store/store.js';

/** `field` is given when the id came in a body field rather than the path. */
export async function requireAccount(store: Store, id: string, field?: string): Promise<Account> {
  const account = await store.getAccount(id);
  if (!account) throw gatewayError('not_found', { detail: `No account ${id}.`, ...(field === undefined ? {} : { field }) });
  return account;
}

/** `ref` is a `num_…` id or Meta's phone_number_id. */
export async function requireNumber(store: Store, ref: string): Promise<PhoneNumber> {
  const number = await store.findNumber(ref);
  if (!number) throw gatewayError('not_found', { detail: `No number ${ref}.` });
  return number;
}
