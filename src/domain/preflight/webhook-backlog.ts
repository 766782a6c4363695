/**
 * Preflight: an account whose webhook endpoints have fallen too far behind sends nothing new until they catch up, so
 * one customer's dead endpoint cannot grow a backlog that degrades the gateway for everyone (seed 002's 1016).
 */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';

export interface WebhookBacklog {
  /** Events of the account not yet delivered to its endpoints. */
  readonly undelivered: number;
  readonly cap: number;
}

/** How long a refused sender is told to wait: long enough for a recovering endpoint to drain a good part of it. */
const RETRY_AFTER_SECONDS = 60;

export function checkWebhookBacklog(backlog: WebhookBacklog | undefined): RuleDecision {
  if (backlog === undefined || backlog.undelivered < backlog.cap) return ALLOW;
  return refuse(
    gatewayError('webhook_backlog_full', {
      detail: `${backlog.undelivered} events are waiting for your webhook endpoints (the limit is ${backlog.cap}); sends resume as they are delivered.`,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    }),
  );
}
