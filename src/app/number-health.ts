/** `GET /v1/numbers/{id}/health`: gathers the facts about one of the account's numbers; domain/number-health.ts decides. */
import { gatewayError } from '../catalog/switchboard-error.js';
import { decideSendability, effectiveTier, UNKNOWN_HEALTH, type HealthReason, type NumberHealth } from '../domain/number-health.js';
import { MESSAGING_LIMIT_WINDOW_MS } from '../domain/preflight/messaging-limit.js';
import type { Store } from '../store/store.js';

export interface NumberHealthReport {
  readonly numberId: string;
  readonly canSend: boolean;
  readonly reasons: readonly HealthReason[];
  readonly health: NumberHealth;
  /** The tier the messaging limit counts against (configured or Meta's); undefined = none. */
  readonly tier: number | undefined;
  readonly tierSource: 'configured' | 'meta' | null;
  readonly uniqueRecipients24h: number;
}

/** `circuitOpen`: whether this process's dispatcher has its upstream circuit open (false where none runs here). */
export async function numberHealth(store: Store, accountId: string, numberId: string, facts: { now: number; circuitOpen: boolean }): Promise<NumberHealthReport> {
  const number = await store.findNumber(numberId);
  if (!number || number.accountId !== accountId) throw gatewayError('not_found', { detail: `No number ${numberId} in your account.` });
  const [health, route, controls, uniqueRecipients24h] = await Promise.all([
    store.health.getNumberHealth(number.id),
    store.dispatch.getSendRoute(number.id),
    store.controls.getControls(accountId),
    store.health.uniqueTemplateRecipients(accountId, facts.now - MESSAGING_LIMIT_WINDOW_MS),
  ]);
  const known = health ?? UNKNOWN_HEALTH;
  const tier = effectiveTier(controls.messagingTier, known.messagingTier);
  const decided = decideSendability(
    { registration: number.registration, disconnected: number.disconnected, heldUntil: route?.heldUntil ?? null, circuitOpen: facts.circuitOpen, health: known, tier, uniqueRecipients24h },
    facts.now,
  );
  const tierSource = controls.messagingTier !== null ? 'configured' : tier !== undefined ? 'meta' : null;
  return { numberId: number.id, ...decided, health: known, tier, tierSource, uniqueRecipients24h };
}
