/**
 * The last word on a number's rate, taken at the moment of the upstream call rather than when its permit was given:
 * at most `cap` calls in any window of `windowMs`. Permits are paced evenly, but the durable call mark between a
 * permit and its call takes a varying time, so calls can bunch; this rule makes a bunched call wait instead of
 * pushing one second of calls over the number's limit.
 */

export type CallWindowDecision = { readonly kind: 'call' } | { readonly kind: 'wait'; readonly until: number };

/**
 * `recentCalls` holds the times of the number's latest calls, oldest first (at most `cap` of them are needed). A call
 * may go when fewer than `cap` calls fall inside the window that ends now.
 */
export function decideCall(recentCalls: readonly number[], cap: number, windowMs: number, now: number): CallWindowDecision {
  if (recentCalls.length < cap) return { kind: 'call' };
  const capthLatest = recentCalls[recentCalls.length - cap] as number;
  const until = capthLatest + windowMs;
  return now >= until ? { kind: 'call' } : { kind: 'wait', until };
}

/** The cap for a number allowed `perSecond`: a share below its limit leaves room for jitter on the way upstream. */
export function callCapOf(perSecond: number, share: number): number {
  return Math.max(1, Math.floor(perSecond * share));
}
