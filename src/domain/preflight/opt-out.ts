/** Preflight: contacts who opted out (STOP, see opt-out-keywords.ts, or through the API) get nothing, templates included. */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export function checkOptOut(to: string, optedOutAt: number | null): RuleDecision {
  if (optedOutAt === null) return ALLOW;
  return refuse(
    gatewayError('recipient_opted_out', { detail: `${/^[0-9]+$/.test(to) ? '+' : ''}${to} opted out on ${new Date(optedOutAt).toISOString()}.`, field: 'to' }),
  );
}

