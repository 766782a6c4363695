/** Preflight: free-form messages need the contact's 24-hour customer service window to be open (Meta's 131047). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';
import type { MessageType } from '../message.js';

export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** `lastInboundAt` is when the contact last wrote to this number, as recorded from inbound webhooks. */
export function checkWindow(type: MessageType, lastInboundAt: number | null, now: number): RuleDecision {
  if (type === 'template') return ALLOW;
  if (lastInboundAt === null)
    return refuse(gatewayError('outside_service_window', { detail: 'The contact has never written to this number, so only a template can open the conversation.' }));
  if (now - lastInboundAt >= SERVICE_WINDOW_MS)
    return refuse(
      gatewayError('outside_service_window', {
        detail: `The contact's 24-hour window closed at ${new Date(lastInboundAt + SERVICE_WINDOW_MS).toISOString()}; send a template instead.`,
      }),
    );
  return ALLOW;
}
