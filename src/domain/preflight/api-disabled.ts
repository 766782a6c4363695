/** Preflight: an operator can switch an account's WhatsApp API off; nothing goes out until it is switched on (seed 002). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { AccountControls } from '../account.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export function checkApiEnabled(controls: AccountControls): RuleDecision {
  if (!controls.whatsappApiDisabled) return ALLOW;
  return refuse(gatewayError('whatsapp_api_disabled', { detail: 'Your WhatsApp Business API has been disabled by the operator.' }));
}
