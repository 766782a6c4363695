/** The pair rate limit (131056): one message per 6 s from a business number to one user, with bursts borrowed ahead. */
import { reject, type RuleOutcome, PASS } from './outcome.js';
import { takePermit } from '../../domain/gcra.js';

export interface PairRate {
  readonly intervalMs: number;
  /** Meta allows bursts of up to 45 messages in 6 s, paid back by waiting. */
  readonly burst: number;
}

export const META_PAIR_RATE: PairRate = { intervalMs: 6_000, burst: 45 };

/** `tat` is the pair's pace state (domain/gcra.ts); 0 for a pair that never met. */
export function checkPairRate(tat: number, now: number, rate: PairRate): { outcome: RuleOutcome; tat: number } {
  const decision = takePermit(rate, tat, now);
  if (decision.granted) return { outcome: PASS, tat: decision.tat };
  const waitS = Math.ceil((decision.retryAt - now) / 1000);
  return {
    outcome: reject(131056, `Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time. Retry in ${waitS} s.`, 2494071),
    tat,
  };
}
