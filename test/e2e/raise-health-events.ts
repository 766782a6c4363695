/** Raises each health event type once through the store's real paths, for the event-schema journey. */
import type { PhoneNumber } from '../../src/domain/phone-number.js';
import type { Store } from '../../src/store/store.js';

export async function raiseHealthEvents(store: Store, number: PhoneNumber): Promise<void> {
  const { wabaId, displayPhoneNumber } = number;
  await store.health.applyNumberQuality({ kind: 'number_quality', wabaId, displayPhoneNumber, event: 'DOWNGRADE', tier: 'TIER_250', qualityRating: null }, Date.now());
  const restrictions = [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', until: Date.now() + 60_000 }];
  await store.health.applyAccountUpdate({ kind: 'account_update', wabaId, update: { event: 'ACCOUNT_RESTRICTION', restrictions } }, Date.now());
  await store.health.applyAccountUpdate({ kind: 'account_update', wabaId, update: { event: 'ACCOUNT_RESTRICTION', restrictions: [] } }, Date.now());
  await store.health.applyAccountUpdate({ kind: 'account_update', wabaId, update: { event: 'ACCOUNT_VIOLATION', restrictions: [], violation: 'SCAM' } }, Date.now());
  const key = { wabaId, name: 'order_update', language: 'en_US' };
  await store.health.applyTemplateQuality({ kind: 'template_quality', ...key, previous: 'GREEN', quality: 'YELLOW' }, Date.now());
  await store.health.applyTemplateCategory({ kind: 'template_category', ...key, previous: null, category: 'UTILITY', upcoming: { category: 'MARKETING', effectiveAt: Date.now() } }, Date.now());
}
