/** Preflight: free-form messages need the contact's 24-hour customer service window to be open (Meta's 131047). */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';
import type { MessageType } from '../message.js';

export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The contact's window with a number: open until 24 h after they last wrote; never opened when they never wrote. */
export type ServiceWindow = { readonly kind: 'never_opened' } | { readonly kind: 'open' | 'closed'; readonly until: number };

/** A window is open at `now` exactly when the contact last wrote after this time. */
export function windowsOpenAfter(now: number): number {
  return now - SERVICE_WINDOW_MS;
}

/** `lastInboundAt` is when the contact last wrote to this number, as recorded from inbound webhooks. */
export function serviceWindow(lastInboundAt: number | null, now: number): ServiceWindow {
  if (lastInboundAt === null) return { kind: 'never_opened' };
  const until = lastInboundAt + SERVICE_WINDOW_MS;
  return { kind: now < until ? 'open' : 'closed', until };
}

export function checkWindow(type: MessageType, lastInboundAt: number | null, now: number): RuleDecision {
  if (type === 'template') return ALLOW;
  const window = serviceWindow(lastInboundAt, now);
  if (window.kind === 'never_opened')
    return refuse(gatewayError('outside_service_window', { detail: 'The contact has never written to this number, so only a template can open the conversation.' }));
  if (window.kind === 'closed')
    return refuse(
      gatewayError('outside_service_window', { detail: `The contact's 24-hour window closed at ${new Date(window.until).toISOString()}; send a template instead.` }),
    );
  return ALLOW;
}
