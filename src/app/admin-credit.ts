/**
 * Prepaid credit as operators move it, from the admin API and the CLI alike: every change of a balance, a top-up, a
 * correction or a balance set outright, is a ledger row, so the ledger always sums to the balance.
 */
import { BOUNDS, checkBound } from '../domain/bounds.js';
import { checkTopUp, ledgerDrift, type LedgerEntry } from '../domain/credit/ledger.js';
import type { Store } from '../store/store.js';
import { enforce } from './checks.js';
import { requireAccount } from './admin-lookups.js';

export interface CreditMovement {
  readonly amount: number;
  /** Default: `topup` for a positive amount, `adjust` for a negative one. */
  readonly kind?: 'topup' | 'adjust';
  readonly note?: string | null;
}

export interface LedgerStatement {
  readonly balance: number | null;
  readonly ledgerSum: number;
  /** Balance minus the ledger sum: 0 when every movement was recorded. */
  readonly drift: number;
  readonly entries: readonly LedgerEntry[];
}

/** Sets the balance to `credit` through one `adjust` row; an account not yet on prepaid credit joins it, even at 0. */
export async function setCreditBalance(store: Store, accountId: string, credit: number, now: number): Promise<void> {
  const current = await store.credit.balance(accountId);
  if (current === null || credit !== current) await store.credit.topUp(accountId, credit - (current ?? 0), 'adjust', 'balance set by an operator', now);
}

export async function moveCredit(store: Store, accountId: string, movement: CreditMovement, now: number): Promise<{ balance: number; entry: LedgerEntry }> {
  const account = await requireAccount(store, accountId);
  enforce(checkBound(BOUNDS.creditAmount, movement.amount), checkTopUp(await store.credit.balance(account.id), movement.amount));
  const kind = movement.kind ?? (movement.amount > 0 ? 'topup' : 'adjust');
  return store.credit.topUp(account.id, movement.amount, kind, movement.note ?? null, now);
}

export async function readLedger(store: Store, accountId: string, limit: number): Promise<LedgerStatement> {
  await requireAccount(store, accountId);
  const ledgerSum = await store.credit.ledgerSum(accountId);
  // Read fresh, not through the account cache, which may be a second old.
  const balance = await store.credit.balance(accountId);
  return { balance, ledgerSum, drift: ledgerDrift(balance ?? 0, [{ amount: ledgerSum }]), entries: await store.credit.listLedger(accountId, limit) };
}
