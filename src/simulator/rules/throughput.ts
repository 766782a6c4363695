/** Per-number throughput (Meta: 80 mps by default, up to 1,000, 20 for coexistence numbers): 130429 when exceeded. */
import { reject, type RuleOutcome, PASS } from './outcome.js';
import { paceOf, takePermit } from '../../domain/gcra.js';

export const DEFAULT_MPS = 80;
export const MAX_MPS = 1_000;
export const COEXISTENCE_MPS = 20;

export function effectiveMps(number: { readonly throughputMps?: number; readonly coexistence?: boolean }, fallback = DEFAULT_MPS): number {
  if (number.coexistence) return COEXISTENCE_MPS;
  return Math.min(MAX_MPS, Math.max(1, number.throughputMps ?? fallback));
}

/**
 * The burst is one second's worth, so a number may send its whole rate in an instant and no more. `tat` is the pace's
 * state (domain/gcra.ts, the same arithmetic the dispatcher paces itself with); 0 for a number that never sent.
 */
export function checkThroughput(tat: number, now: number, mps: number): { outcome: RuleOutcome; tat: number } {
  const decision = takePermit(paceOf(mps, mps), tat, now);
  if (decision.granted) return { outcome: PASS, tat: decision.tat };
  return {
    outcome: reject(130429, `Cloud API message throughput has been reached (${mps} messages per second for this number).`, 2494055),
    tat,
  };
}
