/** What happens to an accepted message on its way to the user: delivered, or `failed` with 131026, 131050 or 131049. */
import { reject, type Rejection } from './outcome.js';
import { WINDOW_MS } from './window.js';

export interface RecipientFacts {
  readonly hasWhatsApp?: boolean;
  readonly marketingOptOut?: boolean;
  readonly marketingLimitPer24h?: number;
  /** Clock times of the marketing templates delivered to this user. */
  readonly marketingDeliveredAt?: readonly number[];
}

export type DeliveryDecision = { readonly kind: 'deliver'; readonly countsAsMarketing: boolean } | Rejection;

export function decideDelivery(recipient: RecipientFacts | undefined, isMarketing: boolean, now: number): DeliveryDecision {
  if (recipient?.hasWhatsApp === false) {
    return reject(131026, 'Message Undeliverable: the recipient is not a WhatsApp user or cannot receive this message.');
  }
  if (!isMarketing) return { kind: 'deliver', countsAsMarketing: false };
  if (recipient?.marketingOptOut) return reject(131050, 'Unable to deliver the message: the user has stopped marketing messages from this business.');
  const limit = recipient?.marketingLimitPer24h;
  if (limit !== undefined) {
    const recent = (recipient?.marketingDeliveredAt ?? []).filter((at) => now - at < WINDOW_MS).length;
    if (recent >= limit) {
      return reject(131049, 'This message was not delivered to maintain healthy ecosystem engagement.');
    }
  }
  return { kind: 'deliver', countsAsMarketing: true };
}
