/** Preflight: the same text to more distinct recipients per UTC day than the account's threshold is refused (seed 001's 19). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export interface SpamFacts {
  /** Distinct recipients this text already went to today. */
  readonly recipientsToday: number;
  /** This recipient is one of them: a repeat to the same person is not a broadcast. */
  readonly alreadySentTo: boolean;
}

export function checkSpamControl(threshold: number | null, facts: SpamFacts, now: number): RuleDecision {
  if (threshold === null || facts.alreadySentTo || facts.recipientsToday < threshold) return ALLOW;
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return refuse(
    gatewayError('spam_control_threshold_exceeded', {
      detail: `This text already went to ${facts.recipientsToday} recipients today; the account's threshold is ${threshold} a day.`,
      retryAfterSeconds: Math.max(1, Math.ceil((midnight.getTime() - now) / 1000)),
    }),
  );
}

/** The UTC day a spam count belongs to. */
export function spamDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}
