/**
 * The simulator's health triggers: it changes its own state the way Meta would and posts the webhooks Meta sends
 * (docs/meta-health-and-pricing.md): number quality and tier, account restrictions, template quality and category.
 */
import { makeFault } from './faults.js';
import type { SimCore } from './sim-core.js';
import type { TemplateCategory } from './types.js';

export interface SimulatorHealthAdmin {
  /** Posts `phone_number_quality_update` for the number, with the tier as `max_daily_conversations_per_business`. */
  setNumberQuality(input: { phoneNumberId: string; event: string; tier?: string; qualityRating?: string }): void;
  /**
   * Restricts the business (or one of its numbers): its sends answer 368 from now on (only templates for
   * RESTRICTED_BIZ_INITIATED_MESSAGING), and `account_update` ACCOUNT_RESTRICTION is posted. `expiration` in ms.
   */
  restrictAccount(input: { wabaId: string; phoneNumberId?: string; restrictions: { type: string; expiration?: number }[] }): void;
  /** Lifts every restriction: ACCOUNT_RESTRICTION with an empty restriction_info. */
  liftRestriction(input: { wabaId: string }): void;
  /** Posts `message_template_quality_update`; with `pause` also pauses it (status PAUSED, reason LOW_QUALITY). */
  setTemplateQuality(input: { wabaId: string; name: string; language?: string; quality: string; pause?: boolean }): void;
  /** A completed category change, or with `noticeAt` (ms) the advance notice of one. */
  changeTemplateCategory(input: { wabaId: string; name: string; language?: string; category: TemplateCategory; noticeAt?: number }): void;
}

/** One health trigger of a scenario file's `health` list: one key, the input of the admin method it names. */
export type HealthTrigger =
  | { readonly numberQuality: Parameters<SimulatorHealthAdmin['setNumberQuality']>[0] }
  | { readonly restrict: Parameters<SimulatorHealthAdmin['restrictAccount']>[0] }
  | { readonly lift: Parameters<SimulatorHealthAdmin['liftRestriction']>[0] }
  | { readonly templateQuality: Parameters<SimulatorHealthAdmin['setTemplateQuality']>[0] }
  | { readonly templateCategory: Parameters<SimulatorHealthAdmin['changeTemplateCategory']>[0] };

export function applyHealthTrigger(health: SimulatorHealthAdmin, trigger: HealthTrigger): void {
  if ('numberQuality' in trigger) return health.setNumberQuality(trigger.numberQuality);
  if ('restrict' in trigger) return health.restrictAccount(trigger.restrict);
  if ('lift' in trigger) return health.liftRestriction(trigger.lift);
  if ('templateQuality' in trigger) return health.setTemplateQuality(trigger.templateQuality);
  if ('templateCategory' in trigger) return health.changeTemplateCategory(trigger.templateCategory);
  throw new Error(`unknown health trigger ${JSON.stringify(trigger)} (numberQuality, restrict, lift, templateQuality, templateCategory)`);
}

const RESTRICTION_FAULT = 'restriction:';

export function createHealthAdmin(core: SimCore, pauseTemplate: (wabaId: string, name: string, language: string) => void): SimulatorHealthAdmin {
  const { state } = core;
  const post = (wabaId: string, field: string, value: Record<string, unknown>) => core.webhooks.enqueue({ kind: 'field', wabaId, field, value }, 0);
  const templatesOf = (wabaId: string, name: string, language: string | undefined) => {
    const found = state.findTemplates(wabaId, name, language);
    if (found.length === 0) throw new Error(`no template ${name} in business ${wabaId}`);
    return found;
  };
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const metaTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

  return {
    setNumberQuality({ phoneNumberId, event, tier, qualityRating }) {
      const number = state.requireNumber(phoneNumberId);
      post(number.wabaId, 'phone_number_quality_update', {
        display_phone_number: number.displayPhoneNumber, event,
        ...(tier === undefined ? {} : { max_daily_conversations_per_business: tier }),
        ...(qualityRating === undefined ? {} : { quality_rating: qualityRating }),
      });
    },
    restrictAccount({ wabaId, phoneNumberId, restrictions }) {
      if (restrictions.length === 0) throw new Error('restrictions must not be empty (liftRestriction lifts)');
      const numbers = [...state.numbers.values()].filter((n) => n.wabaId === wabaId && (phoneNumberId === undefined || n.phoneNumberId === phoneNumberId));
      const bizOnly = restrictions.every((r) => r.type === 'RESTRICTED_BIZ_INITIATED_MESSAGING');
      const until = Math.max(...restrictions.map((r) => r.expiration ?? Number.MAX_SAFE_INTEGER));
      const faults = numbers.map((n) =>
        makeFault({ error: 368, match: { phoneNumberId: n.phoneNumberId, ...(bizOnly ? { type: 'template' as const } : {}), until } }, `${RESTRICTION_FAULT}${n.phoneNumberId}`));
      core.faults = [...core.faults.filter((f) => !faults.some((x) => x.id === f.id)), ...faults];
      post(wabaId, 'account_update', {
        event: 'ACCOUNT_RESTRICTION',
        ...(phoneNumberId === undefined ? {} : { phone_number: state.requireNumber(phoneNumberId).displayPhoneNumber }),
        restriction_info: restrictions.map((r) => ({ restriction_type: r.type, ...(r.expiration === undefined ? {} : { expiration: metaTime(r.expiration) }) })),
      });
    },
    liftRestriction({ wabaId }) {
      const ids = new Set([...state.numbers.values()].filter((n) => n.wabaId === wabaId).map((n) => `${RESTRICTION_FAULT}${n.phoneNumberId}`));
      core.faults = core.faults.filter((f) => !ids.has(f.id));
      post(wabaId, 'account_update', { event: 'ACCOUNT_RESTRICTION', restriction_info: [] });
    },
    setTemplateQuality({ wabaId, name, language, quality, pause }) {
      for (const t of templatesOf(wabaId, name, language)) {
        post(wabaId, 'message_template_quality_update', {
          previous_quality_score: 'GREEN', new_quality_score: quality, message_template_id: Number(t.id), message_template_name: t.name, message_template_language: t.language,
        });
        if (pause) pauseTemplate(wabaId, t.name, t.language);
      }
    },
    changeTemplateCategory({ wabaId, name, language, category, noticeAt }) {
      for (const t of templatesOf(wabaId, name, language)) {
        const key = { message_template_id: Number(t.id), message_template_name: t.name, message_template_language: t.language };
        if (noticeAt !== undefined) {
          post(wabaId, 'template_category_update', { ...key, correct_category: category, new_category: t.category, category_update_timestamp: seconds(noticeAt) });
          continue;
        }
        const previous = t.category;
        t.category = category;
        post(wabaId, 'template_category_update', { ...key, previous_category: previous, new_category: category });
      }
    },
  };
}
