/**
 * What the SMSC simulator answers, as data: the command status of a submit and the receipt that follows, decided per
 * recipient by the faults configured (first match wins) and by the simulator's throttle.
 */
import { RECEIPT_STATS, type ReceiptStat } from '../../domain/sms/receipt.js';

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

/**
 * Reads a fault as the command line writes it, `<recipient regex>=<kind>`: `absent`, `memory`, `congestion:<tries>`,
 * `receipt:<STAT>:<reason>` or `status:<command status>`; undefined when it is not one of these.
 */
export function parseFault(spec: string): SmscFault | undefined {
  const at = spec.lastIndexOf('=');
  if (at <= 0) return undefined;
  const to = spec.slice(0, at);
  const [kind, a, b] = spec.slice(at + 1).split(':');
  const n = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  if (kind === 'absent' && a === undefined) return { to, kind: 'receipt', stat: 'UNDELIV', err: REASON.absentSubscriber };
  if (kind === 'memory' && a === undefined) return { to, kind: 'receipt', stat: 'UNDELIV', err: REASON.memoryExceeded };
  if (kind === 'congestion' && n(a) !== undefined) return { to, kind: 'congestion', failures: n(a)! };
  if (kind === 'status' && n(a) !== undefined) return { to, kind: 'status', status: n(a)! };
  const stat = a?.toUpperCase();
  if (kind === 'receipt' && n(b) !== undefined && (RECEIPT_STATS as readonly string[]).includes(stat ?? '')) {
    return { to, kind: 'receipt', stat: stat as ReceiptStat, err: n(b)! };
  }
  return undefined;
}
