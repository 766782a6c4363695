/** Meta's health, template-quality/category webhooks and the pricing on statuses, as webhooks/inbound/health-events.ts reads them. */
import type { AccountUpdateFacts, QualityRating } from './number-health.js';

export interface NumberQualityEvent {
  readonly kind: 'number_quality';
  readonly wabaId: string;
  /** Meta names the number by its display number here, not its phone_number_id. */
  readonly displayPhoneNumber: string;
  readonly event: string;
  /** `max_daily_conversations_per_business`, else the older `current_limit`; null when Meta sent neither or TIER_NOT_SET. */
  readonly tier: string | null;
  readonly qualityRating: QualityRating | null;
}

export interface AccountUpdateEvent {
  readonly kind: 'account_update';
  readonly wabaId: string;
  /** Narrows the update to one number when Meta names it. */
  readonly displayPhoneNumber?: string;
  readonly update: AccountUpdateFacts;
}

export interface TemplateQualityEvent {
  readonly kind: 'template_quality';
  readonly wabaId: string;
  readonly name: string;
  readonly language: string;
  readonly previous: string | null;
  readonly quality: string;
}

export interface TemplateCategoryEvent {
  readonly kind: 'template_category';
  readonly wabaId: string;
  readonly name: string;
  readonly language: string;
  readonly previous: string | null;
  readonly category: string;
  /** Advance notice: Meta will change the category to this one at `effectiveAt`; the stored category stays until then. */
  readonly upcoming?: { readonly category: string; readonly effectiveAt: number | null };
}

export type MetaHealthEvent = NumberQualityEvent | AccountUpdateEvent | TemplateQualityEvent | TemplateCategoryEvent;

/** The `pricing` object of a status (per-message pricing): `type` says whether this message is charged. */
export interface StatusPricing {
  readonly billable: boolean;
  readonly pricingModel: string | null;
  readonly category: string | null;
  /** regular, free_customer_service, free_entry_point; null when Meta sent none (before per-message pricing). */
  readonly type: string | null;
}

/** Meta charges nothing for this message: its prepaid reservation goes back. */
export function isFree(pricing: StatusPricing): boolean {
  return !pricing.billable || (pricing.type !== null && pricing.type.startsWith('free_'));
}

export function pricingView(p: StatusPricing): Record<string, unknown> {
  return { billable: p.billable, pricing_model: p.pricingModel, category: p.category, type: p.type };
}
