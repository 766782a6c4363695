/** Meta's health webhooks and status pricing, in the shapes Meta documents, read into events. */
import { describe, expect, it } from 'vitest';
import { parseMetaWebhook } from './parse.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const batch = (field: string, value: Record<string, unknown>) => ({ object: 'whatsapp_business_account', entry: [{ id: 'WABA1', time: 1, changes: [{ field, value }] }] });

describe('health webhooks', () => {
  it('reads phone_number_quality_update, preferring max_daily_conversations_per_business to the retired current_limit', () => {
    expect(parseMetaWebhook(batch('phone_number_quality_update', {
      display_phone_number: '15550783881', event: 'DOWNGRADE', old_limit: 'TIER_10K', current_limit: 'TIER_1K', max_daily_conversations_per_business: 'TIER_2K',
    }), now)).toEqual([{ kind: 'number_quality', wabaId: 'WABA1', displayPhoneNumber: '15550783881', event: 'DOWNGRADE', tier: 'TIER_2K', qualityRating: null }]);
    expect(parseMetaWebhook(batch('phone_number_quality_update', { display_phone_number: '1', event: 'ONBOARDING', current_limit: 'TIER_NOT_SET' }), now))
      .toMatchObject([{ tier: null }]);
    expect(parseMetaWebhook(batch('phone_number_quality_update', { display_phone_number: '1', event: 'FLAGGED', current_limit: 'TIER_250', quality_rating: 'YELLOW' }), now))
      .toMatchObject([{ tier: 'TIER_250', qualityRating: 'YELLOW' }]);
  });

  it('reads account_update restrictions with Meta\u2019s expiration format, violations and bans', () => {
    expect(parseMetaWebhook(batch('account_update', {
      phone_number: '15550783881', event: 'ACCOUNT_RESTRICTION',
      restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: '2026-06-02T13:59:20+0000' }, { restriction_type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION' }],
    }), now)).toEqual([{
      kind: 'account_update', wabaId: 'WABA1', displayPhoneNumber: '15550783881',
      update: { event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', until: Date.parse('2026-06-02T13:59:20Z') }, { type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', until: null }] },
    }]);
    expect(parseMetaWebhook(batch('account_update', { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'ADULT' } }), now))
      .toMatchObject([{ update: { event: 'ACCOUNT_VIOLATION', restrictions: [], violation: 'ADULT' } }]);
    expect(parseMetaWebhook(batch('account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: '2026-06-01' } }), now))
      .toMatchObject([{ update: { event: 'DISABLED_UPDATE', banState: 'DISABLE' } }]);
  });

  it('reads template quality and both shapes of template_category_update', () => {
    const key = { message_template_id: 123, message_template_name: 'promo', message_template_language: 'en_US' };
    expect(parseMetaWebhook(batch('message_template_quality_update', { ...key, previous_quality_score: 'GREEN', new_quality_score: 'RED' }), now))
      .toEqual([{ kind: 'template_quality', wabaId: 'WABA1', name: 'promo', language: 'en_US', previous: 'GREEN', quality: 'RED' }]);
    expect(parseMetaWebhook(batch('template_category_update', { ...key, previous_category: 'UTILITY', new_category: 'MARKETING' }), now))
      .toEqual([{ kind: 'template_category', wabaId: 'WABA1', name: 'promo', language: 'en_US', previous: 'UTILITY', category: 'MARKETING' }]);
    expect(parseMetaWebhook(batch('template_category_update', { ...key, correct_category: 'MARKETING', new_category: 'UTILITY', category_update_timestamp: 1780000000 }), now))
      .toEqual([{ kind: 'template_category', wabaId: 'WABA1', name: 'promo', language: 'en_US', previous: null, category: 'UTILITY', upcoming: { category: 'MARKETING', effectiveAt: 1780000000000 } }]);
  });

  it('skips what it cannot read and fields it does not know', () => {
    expect(parseMetaWebhook(batch('phone_number_quality_update', { event: 'UPGRADE' }), now)).toEqual([]);
    expect(parseMetaWebhook(batch('account_update', { restriction_info: [] }), now)).toEqual([]);
    expect(parseMetaWebhook(batch('business_capability_update', { max_daily_conversation_per_phone: 1000 }), now)).toEqual([]);
  });

  it('reads the pricing of a status; a pricing without billable is not one', () => {
    const status = (pricing: unknown) => batch('messages', { metadata: { phone_number_id: 'P1' }, statuses: [{ id: 'wamid.1', status: 'sent', timestamp: '1780000000', recipient_id: '1', pricing }] });
    expect(parseMetaWebhook(status({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' }), now))
      .toMatchObject([{ kind: 'status', pricing: { billable: false, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' }, pricingCategory: 'service' }]);
    expect(parseMetaWebhook(status({ category: 'service' }), now)[0]).not.toHaveProperty('pricing');
  });
});
