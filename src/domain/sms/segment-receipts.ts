/**
 * One SMS's outcome from the receipts of its segments (each segment is its own submit_sm with its own receipt): failed
 * as soon as any segment failed (the first failure names the cause), delivered once every segment was, else pending.
 */
import type { ReceiptOutcome } from './receipt.js';

/** `outcomes[i]` is segment i's latest receipt outcome, undefined while none arrived. */
export function messageOutcome(outcomes: readonly (ReceiptOutcome | undefined)[]): ReceiptOutcome {
  const failed = outcomes.find((o) => o?.kind === 'failed');
  if (failed !== undefined) return failed;
  if (outcomes.length > 0 && outcomes.every((o) => o?.kind === 'delivered')) return { kind: 'delivered' };
  return { kind: 'pending' };
}
