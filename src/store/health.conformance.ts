/**
 * The health port's conformance cases, run once per engine: number quality and tier, account restrictions (with the
 * dispatch claim holding a restricted number's jobs), template quality and category, and status pricing with the
 * refund of a free message's reservation. Every write tells the customer once, however often Meta repeats it.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { seedMessages, seedTenant, TEST_SECRETS, type Tenant } from '../../test/helpers/outbox-rows.js';
import type { StatusEvent } from '../domain/meta-events.js';
import type { StatusPricing } from '../domain/meta-health-events.js';
import { SqlAccounts } from './sql/sql-accounts.js';
import { SqlHealth } from './sql/sql-health.js';
import { SqlOutboxQueue } from './sql/sql-outbox-queue.js';

const now = Date.parse('2026-06-01T12:00:00Z');
let serial = 0;

export function describeHealthConformance(): void {
  describeEachEngine('HealthStore conformance', (current) => {
    let health: SqlHealth;
    const numbersChanged = vi.fn();
    const balanceChanged = vi.fn();
    beforeEach(() => {
      numbersChanged.mockClear();
      balanceChanged.mockClear();
      health = new SqlHealth(current().engine, numbersChanged, balanceChanged);
    });
    const db = () => current().engine.db;

    /** A tenant whose number is alone in a WABA of its own, with display number +49 151 1234. */
    async function tenant(credit: number | null = null): Promise<Tenant & { wabaId: string }> {
      const t = await seedTenant(current().engine, now, { credit });
      const wabaId = `waba_${process.pid}_${(serial += 1)}`;
      await db().updateTable('phone_numbers').set({ waba_id: wabaId, display_phone_number: '+49 151 1234' }).where('id', '=', t.numberId).execute();
      return { ...t, wabaId };
    }
    const eventsOf = async (accountId: string) =>
      (await db().selectFrom('events').select(['type', 'payload']).where('account_id', '=', accountId).orderBy('id').execute())
        .map((e) => ({ type: e.type, data: JSON.parse(e.payload) as Record<string, unknown> }));
    const numberOf = (id: string) => new SqlAccounts(current().engine, { secrets: TEST_SECRETS }).findNumber(id);

    it('stores quality and tier from phone_number_quality_update, matched by display number, and tells each change once', async () => {
      const t = await tenant();
      const quality = { kind: 'number_quality', wabaId: t.wabaId, displayPhoneNumber: '491511234', event: 'DOWNGRADE', tier: 'TIER_250', qualityRating: null } as const;
      await health.applyNumberQuality(quality, now);
      await health.applyNumberQuality(quality, now + 1);
      expect(await health.getNumberHealth(t.numberId)).toEqual({ qualityRating: 'RED', messagingTier: 'TIER_250', restriction: null, violation: null });
      expect((await numberOf(t.numberId))?.health?.messagingTier).toBe('TIER_250');
      await health.applyNumberQuality({ ...quality, event: 'UPGRADE', tier: 'TIER_2K' }, now + 2);
      expect((await eventsOf(t.accountId)).map((e) => [e.type, e.data.messaging_tier, e.data.previous_messaging_tier, e.data.quality_rating])).toEqual([
        ['number.quality_changed', 'TIER_250', null, 'RED'],
        ['number.quality_changed', 'TIER_2K', 'TIER_250', 'GREEN'],
      ]);
      expect(numbersChanged).toHaveBeenCalled();
      // Another display number of the WABA is not this one.
      await health.applyNumberQuality({ ...quality, displayPhoneNumber: '15550001111', tier: 'TIER_50' }, now + 3);
      expect((await health.getNumberHealth(t.numberId))?.messagingTier).toBe('TIER_2K');
    });

    it('holds a restricted number\u2019s jobs in the claim until the restriction is lifted, telling both once', async () => {
      const t = await tenant();
      const [job] = await seedMessages(current().engine, t, 1, { at: now });
      const queue = new SqlOutboxQueue(current().engine);
      const claim = (at: number) => queue.claim({ owner: `w${serial}`, now: at, leaseMs: 10, limit: 100 });
      const restrict = { kind: 'account_update', wabaId: t.wabaId, update: { event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING', until: null }] } } as const;
      await health.applyAccountUpdate(restrict, now);
      await health.applyAccountUpdate(restrict, now);
      expect((await claim(now + 1)).map((j) => j.messageId)).not.toContain(job!.messageId);
      expect((await health.getNumberHealth(t.numberId))?.restriction).toEqual({ event: 'ACCOUNT_RESTRICTION', types: ['RESTRICTED_CUSTOMER_INITIATED_MESSAGING'], until: null });
      const lift = { kind: 'account_update', wabaId: t.wabaId, update: { event: 'ACCOUNT_RESTRICTION', restrictions: [] } } as const;
      await health.applyAccountUpdate(lift, now + 2);
      await health.applyAccountUpdate(lift, now + 3);
      expect((await claim(now + 4)).map((j) => j.messageId)).toContain(job!.messageId);
      expect((await eventsOf(t.accountId)).map((e) => e.type)).toEqual(['account.restricted', 'account.restriction_lifted']);
    });

    it('lets a timed restriction end by itself, and never holds for a restriction that does not stop messaging', async () => {
      const t = await tenant();
      const [job] = await seedMessages(current().engine, t, 1, { at: now });
      const queue = new SqlOutboxQueue(current().engine);
      await health.applyAccountUpdate({ kind: 'account_update', wabaId: t.wabaId, update: { event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', until: now + 1000 }] } }, now);
      const claimed = async (at: number) => (await queue.claim({ owner: 'a', now: at, leaseMs: 10, limit: 100 })).map((j) => j.messageId);
      expect(await claimed(now + 999)).not.toContain(job!.messageId);
      expect(await claimed(now + 1000)).toContain(job!.messageId);
      const other = await tenant();
      const [free] = await seedMessages(current().engine, other, 1, { at: now });
      await health.applyAccountUpdate({ kind: 'account_update', wabaId: other.wabaId, update: { event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', until: null }] } }, now);
      expect((await queue.claim({ owner: 'b', now: now + 1, leaseMs: 10, limit: 100 })).map((j) => j.messageId)).toContain(free!.messageId);
    });

    it('records a violation once and ignores account events that change nothing', async () => {
      const t = await tenant();
      const violation = { kind: 'account_update', wabaId: t.wabaId, update: { event: 'ACCOUNT_VIOLATION', restrictions: [], violation: 'SCAM' } } as const;
      await health.applyAccountUpdate(violation, now);
      await health.applyAccountUpdate(violation, now);
      await health.applyAccountUpdate({ kind: 'account_update', wabaId: t.wabaId, update: { event: 'VERIFIED_ACCOUNT', restrictions: [] } }, now);
      expect((await health.getNumberHealth(t.numberId))?.violation).toBe('SCAM');
      expect((await eventsOf(t.accountId)).map((e) => [e.type, e.data.violation_type])).toEqual([['account.violation', 'SCAM']]);
    });

    it('applies template quality and completed category changes to the stored template; a notice is only told', async () => {
      const t = await tenant();
      await db().insertInto('templates').values({
        waba_id: t.wabaId, name: 'promo', language: 'en_US', status: 'approved', category: 'UTILITY', components: '[]', updated_at: now, upstream_id: null, reason: null,
      }).execute();
      const key = { wabaId: t.wabaId, name: 'promo', language: 'en_US' };
      await health.applyTemplateQuality({ kind: 'template_quality', ...key, previous: 'GREEN', quality: 'RED' }, now);
      await health.applyTemplateQuality({ kind: 'template_quality', ...key, previous: 'GREEN', quality: 'RED' }, now);
      await health.applyTemplateCategory({ kind: 'template_category', ...key, previous: null, category: 'UTILITY', upcoming: { category: 'MARKETING', effectiveAt: now + 86_400_000 } }, now);
      const stored = () => db().selectFrom('templates').select(['quality', 'category']).where('waba_id', '=', t.wabaId).executeTakeFirstOrThrow();
      expect(await stored()).toEqual({ quality: 'RED', category: 'UTILITY' });
      await health.applyTemplateCategory({ kind: 'template_category', ...key, previous: 'UTILITY', category: 'MARKETING' }, now + 1);
      await health.applyTemplateCategory({ kind: 'template_category', ...key, previous: 'UTILITY', category: 'MARKETING' }, now + 2);
      expect(await stored()).toEqual({ quality: 'RED', category: 'MARKETING' });
      expect((await eventsOf(t.accountId)).map((e) => [e.type, e.data.category ?? e.data.quality, e.data.upcoming_category ?? null])).toEqual([
        ['template.quality_changed', 'RED', null],
        ['template.category_changed', 'UTILITY', 'MARKETING'],
        ['template.category_changed', 'MARKETING', null],
      ]);
    });

    it('stores pricing on the message and refunds a free message\u2019s reservation once, keeping a regular one', async () => {
      const t = await tenant(8);
      const [free, regular] = await seedMessages(current().engine, t, 2, { at: now, reserve: 3, wamid: `wamid.${serial}` });
      const wamids = (await db().selectFrom('messages').select(['id', 'wamid']).where('account_id', '=', t.accountId).orderBy('id').execute()).map((m) => m.wamid!);
      const status = (wamid: string, pricing: StatusPricing, state: 'sent' | 'delivered' = 'sent'): StatusEvent =>
        ({ kind: 'status', phoneNumberId: t.phoneNumberId, wamid, status: state, at: now, recipientId: 'x', errors: [], pricing });
      const freePricing = { billable: false, pricingModel: 'PMP', category: 'service', type: 'free_customer_service' };
      const regularPricing = { billable: true, pricingModel: 'PMP', category: 'utility', type: 'regular' };
      await health.applyPricing([status(wamids[0]!, freePricing), status(wamids[1]!, regularPricing)], now);
      await health.applyPricing([status(wamids[0]!, freePricing, 'delivered'), status(wamids[1]!, regularPricing, 'delivered')], now + 1);
      expect(await health.messagePricing(t.accountId, free!.messageId)).toEqual(freePricing);
      expect(await health.messagePricing(t.accountId, regular!.messageId)).toEqual(regularPricing);
      expect(await health.messagePricing('acct_other', free!.messageId)).toBeUndefined();
      const ledger = await db().selectFrom('credit_ledger').select(['message_id', 'kind', 'amount']).where('account_id', '=', t.accountId).where('kind', '=', 'free').execute();
      expect(ledger).toEqual([{ message_id: free!.messageId, kind: 'free', amount: 3 }]);
      expect((await db().selectFrom('accounts').select('credit').where('id', '=', t.accountId).executeTakeFirstOrThrow()).credit).toBe(11);
      expect(balanceChanged).toHaveBeenCalledTimes(1);
    });
  });
}
