/** Preflight: a contact the upstream said has no WhatsApp is refused before sending, unless the caller forces the send. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export const CONTACT_STATUSES = ['valid', 'invalid'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** `status` is the cached answer of a contact check (undefined = never checked, or the answer expired). */
export function checkRecipientOnWhatsApp(to: string, status: ContactStatus | undefined, forced: boolean): RuleDecision {
  if (status !== 'invalid' || forced) return ALLOW;
  return refuse(
    gatewayError('recipient_not_on_whatsapp', {
      detail: `A contact check found no WhatsApp account for +${to}. Send with "force": true if you know better.`,
      field: 'to',
    }),
  );
}
