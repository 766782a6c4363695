/**
 * Applies the identity webhooks to the contact they name: a new user id after a phone change, and a marketing stop or
 * resume. Both are idempotent, because Meta re-sends.
 */
import type { ContactIdentity } from '../../domain/contact-identity.js';
import type { MarketingPreferenceEvent, UserIdChangeEvent } from '../../domain/meta-events.js';
import type { InboundStore } from '../../store/inbound-store.js';

/** The part of the identity store the applier writes. */
export interface IdentityWriter {
  learn(accountId: string, identity: ContactIdentity, now: number): Promise<string | undefined>;
  changeUserId(accountId: string, change: { previous: string; current: string; phone?: string }, now: number): Promise<string>;
  setMarketingPreference(accountId: string, identity: ContactIdentity, stoppedAt: number | null, now: number): Promise<void>;
}

export async function applyIdentityEvent(
  inbound: InboundStore,
  identities: IdentityWriter,
  event: UserIdChangeEvent | MarketingPreferenceEvent,
  now: number,
): Promise<void> {
  const accountId = (await inbound.findNumberOwner(event.phoneNumberId))?.accountId;
  if (!accountId) return;
  if (event.kind === 'user_id_change') {
    await identities.changeUserId(accountId, { previous: event.previous, current: event.current, ...(event.phone === undefined ? {} : { phone: event.phone }) }, now);
    return;
  }
  await identities.setMarketingPreference(accountId, event.identity, event.stopped ? event.at : null, now);
}

/** The key the sender's window and keywords are recorded under: its contact's, once the account owns the number. */
export async function senderKey(identities: IdentityWriter, accountId: string | null, identity: ContactIdentity | undefined, from: string, now: number): Promise<string> {
  if (!accountId || !identity) return from;
  return (await identities.learn(accountId, identity, now)) ?? from;
}
