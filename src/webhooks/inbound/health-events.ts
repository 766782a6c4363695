/**
 * Reads Meta's health webhooks (`phone_number_quality_update`, `account_update`, `message_template_quality_update`,
 * `template_category_update`) and the `pricing` of a status into typed events. Pure; what it cannot read it skips.
 */
import type { MetaHealthEvent, StatusPricing } from '../../domain/meta-health-events.js';
import { QUALITY_RATINGS, type QualityRating } from '../../domain/number-health.js';
import { list, record, text, type Json } from './json-fields.js';


/** Meta's `expiration` ("2026-04-19T13:59:20+0000") or a Unix time in seconds; null when absent or unreadable. */
function timeOf(value: unknown): number | null {
  if (typeof value === 'number') return value * 1000;
  const s = text(value);
  if (s === undefined) return null;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(at) ? null : at;
}

function quality(v: unknown): QualityRating | null {
  return (QUALITY_RATINGS as readonly unknown[]).includes(v) ? (v as QualityRating) : null;
}

function tierOf(value: Json): string | null {
  const tier = text(value.max_daily_conversations_per_business) ?? text(value.current_limit);
  return tier === undefined || tier === 'TIER_NOT_SET' ? null : tier;
}

function readNumberQuality(wabaId: string, value: Json): MetaHealthEvent[] {
  const displayPhoneNumber = text(value.display_phone_number);
  const event = text(value.event);
  if (displayPhoneNumber === undefined || event === undefined) return [];
  return [{ kind: 'number_quality', wabaId, displayPhoneNumber, event, tier: tierOf(value), qualityRating: quality(value.quality_rating ?? value.current_quality_rating) }];
}

function readAccountUpdate(wabaId: string, value: Json): MetaHealthEvent[] {
  const event = text(value.event);
  if (event === undefined) return [];
  const restrictions = list(value.restriction_info).flatMap((r) => {
    const type = text(r.restriction_type);
    return type === undefined ? [] : [{ type, until: timeOf(r.expiration) }];
  });
  const violation = text(record(value.violation_info)?.violation_type);
  const banState = text(record(value.ban_info)?.waba_ban_state);
  const displayPhoneNumber = text(value.phone_number);
  return [{
    kind: 'account_update', wabaId, ...(displayPhoneNumber === undefined ? {} : { displayPhoneNumber }),
    update: { event, restrictions, ...(violation === undefined ? {} : { violation }), ...(banState === undefined ? {} : { banState }) },
  }];
}

function templateKey(value: Json): { name: string; language: string } | undefined {
  const name = text(value.message_template_name);
  return name === undefined ? undefined : { name, language: text(value.message_template_language) ?? '' };
}

function readTemplateQuality(wabaId: string, value: Json): MetaHealthEvent[] {
  const key = templateKey(value);
  const quality = text(value.new_quality_score);
  if (key === undefined || quality === undefined) return [];
  return [{ kind: 'template_quality', wabaId, ...key, previous: text(value.previous_quality_score) ?? null, quality }];
}

function readTemplateCategory(wabaId: string, value: Json): MetaHealthEvent[] {
  const key = templateKey(value);
  const category = text(value.new_category);
  if (key === undefined || category === undefined) return [];
  const correct = text(value.correct_category);
  // Advance notice: new_category is the current one, correct_category the one it will become.
  if (correct !== undefined)
    return [{ kind: 'template_category', wabaId, ...key, previous: null, category, upcoming: { category: correct, effectiveAt: timeOf(value.category_update_timestamp) } }];
  return [{ kind: 'template_category', wabaId, ...key, previous: text(value.previous_category) ?? null, category }];
}

const READERS: Readonly<Record<string, (wabaId: string, value: Json) => MetaHealthEvent[]>> = {
  phone_number_quality_update: readNumberQuality,
  account_update: readAccountUpdate,
  message_template_quality_update: readTemplateQuality,
  template_category_update: readTemplateCategory,
};

/** The events of one change of these fields; undefined for a field this reader does not know. */
export function readHealthChange(field: unknown, wabaId: string, value: Json): MetaHealthEvent[] | undefined {
  const reader = typeof field === 'string' ? READERS[field] : undefined;
  return reader?.(wabaId, value);
}

export function readPricing(value: unknown): StatusPricing | undefined {
  const pricing = record(value);
  if (!pricing || typeof pricing.billable !== 'boolean') return undefined;
  return { billable: pricing.billable, pricingModel: text(pricing.pricing_model) ?? null, category: text(pricing.category) ?? null, type: text(pricing.type) ?? null };
}
