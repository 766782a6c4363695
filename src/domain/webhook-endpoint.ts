/**
 * What a customer's webhook endpoint receives and how switching it on and off changes it: the subscription filter,
 * the fan-out of events to endpoints, the secrets that sign during a rotation, and enabling or disabling by request.
 */

/** An endpoint subscribed to no type in particular receives every type. */
export function subscribesToAll(eventTypes: readonly string[]): boolean {
  return eventTypes.length === 0;
}

export function endpointWants(eventTypes: readonly string[], type: string): boolean {
  return subscribesToAll(eventTypes) || eventTypes.includes(type);
}

export interface FanOutEvent {
  readonly id: string;
  readonly accountId: string;
  readonly type: string;
}

export interface FanOutEndpoint {
  readonly id: string;
  readonly accountId: string;
  readonly eventTypes: readonly string[];
}

export interface PlannedDelivery {
  readonly eventId: string;
  readonly endpointId: string;
  readonly accountId: string;
}

/** One delivery per event and enabled endpoint of the event's account whose filter wants it (`endpoints`: the enabled ones). */
export function planDeliveries(events: readonly FanOutEvent[], endpoints: readonly FanOutEndpoint[]): PlannedDelivery[] {
  const byAccount = new Map<string, FanOutEndpoint[]>();
  for (const endpoint of endpoints) byAccount.set(endpoint.accountId, [...(byAccount.get(endpoint.accountId) ?? []), endpoint]);
  return events.flatMap((event) => (byAccount.get(event.accountId) ?? [])
    .filter((endpoint) => endpointWants(endpoint.eventTypes, event.type))
    .map((endpoint) => ({ eventId: event.id, endpointId: endpoint.id, accountId: event.accountId })));
}

/** The reason an endpoint switched off by its owner carries (the worker gives its own when it gives up on one). */
export const DISABLED_BY_REQUEST = 'disabled through the API';

export interface EnablementChange {
  /** undefined: the reason stays as it is. */
  readonly disabledReason?: string | null;
  /** The failure streak starts afresh: an endpoint switched back on is not judged by its failures before. */
  readonly clearsFailureStreak: boolean;
  /** A disabled endpoint receives nothing: its pending deliveries fail (kept for replay) instead of holding up the backlog. */
  readonly failsPendingDeliveries: boolean;
}

/** What else changes when a patch sets `enabled` (undefined: the patch leaves it alone). */
export function enablementChange(enabled: boolean | undefined): EnablementChange {
  if (enabled === true) return { disabledReason: null, clearsFailureStreak: true, failsPendingDeliveries: false };
  if (enabled === false) return { disabledReason: DISABLED_BY_REQUEST, clearsFailureStreak: false, failsPendingDeliveries: true };
  return { clearsFailureStreak: false, failsPendingDeliveries: false };
}

export interface SealedSecrets<Sealed> {
  readonly current: Sealed;
  readonly previous: Sealed | null;
  readonly previousUntil: number | null;
}

/** The secrets that sign at `now`: the current one, then the previous one while its grace period lasts. */
export function signingSecrets<Sealed>(secrets: SealedSecrets<Sealed>, now: number): Sealed[] {
  const inGrace = secrets.previous !== null && (secrets.previousUntil ?? 0) > now;
  return inGrace ? [secrets.current, secrets.previous as Sealed] : [secrets.current];
}
