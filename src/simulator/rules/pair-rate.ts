/** The pair rate limit (131056): one message per 6 s from a business number to one user, with bursts borrowed ahead. */
import { reject, type RuleOutcome, PASS } from './outcome.js';
import { takeToken, type Bucket } from './token-bucket.js';

export interface PairRate {
  readonly intervalMs: number;
  /** Meta allows bursts of up to 45 messages in 6 s, paid back by waiting. */
  readonly burst: number;
}

export const META_PAIR_RATE: PairRate = { intervalMs: 6_000, burst: 45 };

export function checkPairRate(bucket: Bucket | undefined, now: number, rate: PairRate): { outcome: RuleOutcome; bucket: Bucket } {
  const decision = takeToken(bucket, now, rate.burst, 1 / rate.intervalMs);
  if (decision.kind === 'take') return { outcome: PASS, bucket: decision.bucket };
  const waitS = Math.ceil(decision.retryAfterMs / 1000);
  return {
    outcome: reject(131056, `Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time. Retry in ${waitS} s.`, 2494071),
    bucket: decision.bucket,
  };
}
