/**
 * Account changes as operators make them, from the admin API and the CLI alike: a balance that is set moves through
 * the credit ledger as an adjustment, so the ledger always sums to the balance; `credit: null` leaves prepaid credit.
 */
import type { Account } from '../domain/account.js';
import type { AccountPatch, NewAccount, Store } from './store.js';

async function setBalance(store: Store, accountId: string, credit: number, now: number): Promise<void> {
  const current = await store.credit.balance(accountId);
  // An account not yet on prepaid credit joins it even at 0, so the row is written for a zero change too.
  if (current === null || credit !== current) await store.credit.topUp(accountId, credit - (current ?? 0), 'adjust', 'balance set by an operator', now);
}

function splitBalance<T extends AccountPatch>(patch: T): { rest: T; balance: number | undefined } {
  if (patch.credit === undefined || patch.credit === null) return { rest: patch, balance: undefined };
  const { credit, ...rest } = patch;
  return { rest: rest as T, balance: credit };
}

export async function createAccountWithBalance(store: Store, input: NewAccount, now: number): Promise<Account> {
  const { rest, balance } = splitBalance(input);
  const account = await store.createAccount(rest, now);
  if (balance === undefined) return account;
  await setBalance(store, account.id, balance, now);
  return (await store.getAccount(account.id)) ?? account;
}

export async function updateAccountWithBalance(store: Store, id: string, patch: AccountPatch, now: number): Promise<Account | undefined> {
  const { rest, balance } = splitBalance(patch);
  await store.updateAccount(id, rest, now);
  if (balance !== undefined) await setBalance(store, id, balance, now);
  return store.getAccount(id);
}
