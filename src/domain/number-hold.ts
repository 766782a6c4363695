/**
 * What an answer that makes a number wait does to it. Until a time (maintenance, a registration wait): the number is
 * held and its job is due when the hold ends, so one probe goes first (hold-probe.ts). Until its token is replaced
 * (Meta refused the token): the number is paused, its job is due at once and waits out the pause, and the account
 * the number belongs to is disconnected, which its event tells. Either way the job goes back unsent, no attempt counted.
 */

export interface NumberHold {
  readonly heldUntil: number | null;
  readonly paused: boolean;
  readonly jobDueAt: number;
  readonly disconnectsAccount: boolean;
}

/** `until`: when the wait ends, or null for a wait until the token is replaced. */
export function decideNumberHold(until: number | null, now: number): NumberHold {
  if (until === null) return { heldUntil: null, paused: true, jobDueAt: now, disconnectsAccount: true };
  return { heldUntil: until, paused: false, jobDueAt: until, disconnectsAccount: false };
}
