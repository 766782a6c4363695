/** Builders of the customer events about number, account and template health (types listed in events.ts). */
import type { NewEvent } from './events.js';
import type { NumberRestriction, QualityRating } from './number-health.js';

export interface NumberFacts {
  readonly accountId: string;
  readonly numberId: string;
  readonly phoneNumberId: string;
  readonly wabaId: string;
}

const numberData = (n: NumberFacts) => ({ number_id: n.numberId, phone_number_id: n.phoneNumberId, waba_id: n.wabaId });
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

export function numberQualityChangedEvent(n: NumberFacts, change: { event: string; qualityRating: QualityRating | null; tier: string | null; previousTier: string | null }): NewEvent {
  return {
    accountId: n.accountId, type: 'number.quality_changed', subjectId: n.numberId,
    data: { ...numberData(n), event: change.event, quality_rating: change.qualityRating, messaging_tier: change.tier, previous_messaging_tier: change.previousTier },
  };
}

export function accountRestrictedEvent(n: NumberFacts, r: NumberRestriction): NewEvent {
  return { accountId: n.accountId, type: 'account.restricted', subjectId: n.numberId, data: { ...numberData(n), event: r.event, restriction_types: r.types, until: iso(r.until) } };
}

export function accountRestrictionLiftedEvent(n: NumberFacts, event: string): NewEvent {
  return { accountId: n.accountId, type: 'account.restriction_lifted', subjectId: n.numberId, data: { ...numberData(n), event } };
}

export function accountViolationEvent(n: NumberFacts, violation: string): NewEvent {
  return { accountId: n.accountId, type: 'account.violation', subjectId: n.numberId, data: { ...numberData(n), violation_type: violation } };
}

export interface TemplateFacts {
  readonly accountId: string;
  readonly wabaId: string;
  readonly name: string;
  readonly language: string;
}

const templateData = (t: TemplateFacts) => ({ waba_id: t.wabaId, name: t.name, language: t.language });

export function templateQualityChangedEvent(t: TemplateFacts, previous: string | null, quality: string): NewEvent {
  return { accountId: t.accountId, type: 'template.quality_changed', subjectId: `${t.wabaId}/${t.name}/${t.language}`, data: { ...templateData(t), previous_quality: previous, quality } };
}

/** `upcoming`: Meta's advance notice of a change not made yet. */
export function templateCategoryChangedEvent(t: TemplateFacts, change: { previous: string | null; category: string; upcoming?: { category: string; effectiveAt: number | null } }): NewEvent {
  return {
    accountId: t.accountId, type: 'template.category_changed', subjectId: `${t.wabaId}/${t.name}/${t.language}`,
    data: {
      ...templateData(t), previous_category: change.previous, category: change.category,
      upcoming_category: change.upcoming?.category ?? null, upcoming_at: iso(change.upcoming?.effectiveAt ?? null),
    },
  };
}
