/** Preflight: a business number cannot message itself; Meta refuses it with 131021, so we refuse it before the call. */
import { requireEntry } from '../../catalog/catalog.js';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

/** A display number (`+1 555-0100`, `15550100`…) and a `wa_id` name the same phone when their digits match. */
export function isSameNumber(displayPhoneNumber: string, waId: string): boolean {
  const digits = displayPhoneNumber.replace(/\D/g, '');
  return digits !== '' && digits === waId.replace(/\D/g, '');
}

export function checkNotSelf(senderDisplayNumber: string, to: string): RuleDecision {
  if (!isSameNumber(senderDisplayNumber, to)) return ALLOW;
  return refuse(
    new SwitchboardError(requireEntry('meta', 131021), { detail: `+${to} is the sending number itself; address someone else.`, field: 'to' }),
  );
}
