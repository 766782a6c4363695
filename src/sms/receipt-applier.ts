/**
 * Puts a delivery receipt on its message. A receipt can overtake the write of its submit's ids (the SMS centre answers
 * the submit and may report delivery at once), so a receipt naming no SMS is tried again a few times before it is
 * given up as not ours.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decideRetry, type RetrySchedule } from '../domain/retry-policy.js';
import type { SmsReceiptResult, SmsRetryRule, SmsStore } from '../store/sms-store.js';
import type { ReceiptEvent } from './smpp-connector.js';

export interface ReceiptApplierOptions {
  readonly store: Pick<SmsStore, 'applySmsReceipt'>;
  readonly now: () => number;
  /** A receipt moved a message: customer events are waiting. */
  readonly onApplied: () => void;
  /** False once the channel closes: a receipt still waiting for its submit's ids is given up. */
  readonly running: () => boolean;
  /** When a failed SMS goes again; absent = a failed receipt fails its message. */
  readonly retryAt?: SmsRetryRule;
  readonly attempts?: number;
  readonly waitMs?: number;
}

export async function applyReceipt(options: ReceiptApplierOptions, event: ReceiptEvent): Promise<SmsReceiptResult> {
  const attempts = options.attempts ?? 10;
  for (let attempt = 1; ; attempt += 1) {
    const result = await options.store.applySmsReceipt(event.connectorId, event.receipt.messageId, event.outcome, options.now(), options.retryAt);
    if (result === 'applied' || result === 'retried') options.onApplied();
    if (result !== 'unknown' || attempt >= attempts) return result;
    await sleep(options.waitMs ?? 200);
    if (!options.running()) return result;
  }
}

/** The retry policy on a receipt's catalog entry, as for a refused call: a transient reason goes again after its backoff. */
export function receiptRetryRule(schedule: RetrySchedule, now: () => number, random: () => number): SmsRetryRule {
  return (entry, attempts, firstAttemptAt) => {
    const decision = decideRetry({ retry: entry.retry, attempts, firstAttemptAt, now: now() }, schedule, random);
    if (decision.kind === 'retry') return decision.at;
    return decision.kind === 'park-number' ? decision.until : null;
  };
}
