/** Preflight: the business blocked this contact on the sending number, so Meta would refuse the send (Meta's 130403). */
import { requireEntry } from '../../catalog/catalog.js';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export function checkNotBlocked(to: string, blockedAt: number | null): RuleDecision {
  if (blockedAt === null) return ALLOW;
  return refuse(
    new SwitchboardError(requireEntry('meta', 130403), {
      detail: `${to} was blocked from this number on ${new Date(blockedAt).toISOString()}; unblock it before sending.`,
      field: 'to',
    }),
  );
}
