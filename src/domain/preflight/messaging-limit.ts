/**
 * Preflight: Meta's messaging limit: a business portfolio (here, the account) may reach only so many unique recipients
 * with business-initiated messages over a rolling 24 h (tiers 250, 2,000, 10,000, 100,000, unlimited). Meta
 * documents no code of its own for it; 131048 is the nearest, which the catalog entry carries as its Graph code.
 */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export const MESSAGING_LIMIT_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface MessagingFacts {
  /** Unique recipients of business-initiated messages in the last 24 h. */
  readonly uniqueRecipients: number;
  /** The recipient is already among them, so this send does not use up the limit. */
  readonly recipientCounted: boolean;
  /** When the oldest of those sends leaves the window (frees a slot); null when unknown. */
  readonly oldestAt: number | null;
}

export function checkMessagingLimit(tier: number | null, businessInitiated: boolean, facts: MessagingFacts, now: number): RuleDecision {
  if (tier === null || !businessInitiated || facts.recipientCounted || facts.uniqueRecipients < tier) return ALLOW;
  const frees = facts.oldestAt === null ? undefined : facts.oldestAt + MESSAGING_LIMIT_WINDOW_MS;
  return refuse(
    gatewayError('messaging_limit_reached', {
      detail: `The account reached ${facts.uniqueRecipients} unique recipients in 24 h; its messaging tier allows ${tier}.`,
      ...(frees === undefined ? {} : { retryAfterSeconds: Math.max(1, Math.ceil((frees - now) / 1000)) }),
    }),
  );
}
