/** Ledger rules: the kinds of credit movement, what a top-up may do, and how drift between balance and ledger is measured. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

// forward: the sum of an account's rows past the retention horizon, which it replaces (domain/retention.ts).
// free: the reservation of a sent message given back because Meta's status said it is not charged (free customer
// service or entry point); it comes after, or before, the settle and rules out nothing.
export const LEDGER_KINDS = ['topup', 'adjust', 'reserve', 'settle', 'refund', 'forward', 'free'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntry {
  readonly id: string;
  readonly accountId: string;
  readonly messageId: string | null;
  readonly kind: LedgerKind;
  /** Signed change to the balance: reserve is negative, refund and top-up positive, settle 0. */
  readonly amount: number;
  readonly note: string | null;
  readonly createdAt: number;
}

/**
 * What becomes of a message's reservation: `settle` when it was sent (the reservation becomes the charge, a 0 row, so
 * every message's fate is in the ledger), `refund` when it failed before sending (the row gives the reservation back,
 * and so does the balance). A message has at most one fate: each is written once, and never after the other.
 */
export type MessageFate = 'settle' | 'refund';

export interface FateRule {
  /** The row's id is this prefix and the message id: one per message and fate, so a second write changes nothing. */
  readonly idPrefix: string;
  /** The row's amount as a multiple of the reservation's (which is negative). */
  readonly reservationFactor: 0 | -1;
  readonly note: string | null;
  /** The fate that, once written, rules this one out. */
  readonly excludedBy: MessageFate;
}

export const FATE_RULES: Readonly<Record<MessageFate, FateRule>> = {
  settle: { idPrefix: 'led_settle_', reservationFactor: 0, note: null, excludedBy: 'refund' },
  refund: { idPrefix: 'led_refund_', reservationFactor: -1, note: 'failed before sending', excludedBy: 'settle' },
};

/** A negative top-up (a correction) may not take the balance below zero. */
export function checkTopUp(balance: number | null, amount: number): RuleDecision {
  if (!Number.isSafeInteger(amount) || amount === 0)
    return refuse(gatewayError('invalid_request', { detail: '`amount` must be a non-zero integer.', field: 'amount' }));
  if ((balance ?? 0) + amount < 0)
    return refuse(gatewayError('invalid_request', { detail: `The balance is ${balance ?? 0}; a correction of ${amount} would make it negative.`, field: 'amount' }));
  return ALLOW;
}

/** Balance minus the sum of the ledger: 0 when every movement was recorded. */
export function ledgerDrift(balance: number, entries: readonly Pick<LedgerEntry, 'amount'>[]): number {
  return balance - entries.reduce((sum, e) => sum + e.amount, 0);
}
