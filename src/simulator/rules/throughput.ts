/** Per-number throughput (Meta: 80 mps by default, up to 1,000, 20 for coexistence numbers): 130429 when exceeded. */
import { reject, type RuleOutcome, PASS } from './outcome.js';
import { takeToken, type Bucket } from './token-bucket.js';

export const DEFAULT_MPS = 80;
export const MAX_MPS = 1_000;
export const COEXISTENCE_MPS = 20;

export function effectiveMps(number: { readonly throughputMps?: number; readonly coexistence?: boolean }, fallback = DEFAULT_MPS): number {
  if (number.coexistence) return COEXISTENCE_MPS;
  return Math.min(MAX_MPS, Math.max(1, number.throughputMps ?? fallback));
}

/** Capacity is one second's worth, so a number may burst its whole rate in an instant and no more. */
export function checkThroughput(bucket: Bucket | undefined, now: number, mps: number): { outcome: RuleOutcome; bucket: Bucket } {
  const decision = takeToken(bucket, now, mps, mps / 1000);
  if (decision.kind === 'take') return { outcome: PASS, bucket: decision.bucket };
  return {
    outcome: reject(130429, `Cloud API message throughput has been reached (${mps} messages per second for this number).`, 2494055),
    bucket: decision.bucket,
  };
}
