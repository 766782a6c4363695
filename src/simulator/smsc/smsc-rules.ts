/**
 * What the SMSC simulator answers, as data: the command status of a submit and the receipt that follows, decided per
 * recipient by the faults configured (first match wins) and by the simulator's throttle.
 */
import type { ReceiptStat } from '../../domain/sms/receipt.js';

/** The seed's reason codes the simulator's faults speak of, by name. */
export const REASON = { absentSubscriber: 8, congestion: 10, memoryExceeded: 13 } as const;

export type SmscFault =
  /** Answer submit_sm with this command status (nothing is accepted, no receipt). */
  | { readonly to: string; readonly kind: 'status'; readonly status: number }
  /** Accept, then send a failed receipt with this stat and reason code. */
  | { readonly to: string; readonly kind: 'receipt'; readonly stat: ReceiptStat; readonly err: number }
  /** Accept, answer UNDELIV with reason 10 (congestion) the first `failures` times, DELIVRD after that. */
  | { readonly to: string; readonly kind: 'congestion'; readonly failures: number };

export type SubmitAnswer =
  | { readonly kind: 'refuse'; readonly status: number }
  | { readonly kind: 'accept'; readonly stat: ReceiptStat; readonly err: number };

/** How the simulator answers one submit to `to`, given how often that recipient was submitted to before (`tries`). */
export function answerSubmit(faults: readonly SmscFault[], to: string, tries: number): SubmitAnswer {
  const fault = faults.find((f) => new RegExp(`^(?:${f.to})$`).test(to));
  if (fault === undefined) return { kind: 'accept', stat: 'DELIVRD', err: 0 };
  if (fault.kind === 'status') return { kind: 'refuse', status: fault.status };
  if (fault.kind === 'receipt') return { kind: 'accept', stat: fault.stat, err: fault.err };
  return tries < fault.failures ? { kind: 'accept', stat: 'UNDELIV', err: REASON.congestion } : { kind: 'accept', stat: 'DELIVRD', err: 0 };
}

/** Arrivals within the last second, for the simulator's throttle and for "busiest second" figures. */
export function arrivalsInSecond(arrivals: readonly number[], now: number): number {
  let n = 0;
  for (let i = arrivals.length - 1; i >= 0 && arrivals[i]! > now - 1000; i -= 1) n += 1;
  return n;
}

/** The most arrivals any sliding one-second window held (arrivals in time order). */
export function busiestSecond(arrivals: readonly number[]): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end += 1) {
    while (arrivals[end]! - arrivals[start]! >= 1000) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
