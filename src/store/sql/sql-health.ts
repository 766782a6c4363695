/**
 * Number, account and template health and status pricing, written once for every engine. Each write compares with
 * what is stored first, so a webhook Meta re-sends tells the customer nothing twice.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import {
  accountRestrictedEvent, accountRestrictionLiftedEvent, accountViolationEvent, numberQualityChangedEvent, templateCategoryChangedEvent,
  templateQualityChangedEvent, type NumberFacts,
} from '../../domain/health-event-builders.js';
import type { StatusEvent } from '../../domain/meta-events.js';
import { isFree, type AccountUpdateEvent, type NumberQualityEvent, type StatusPricing, type TemplateCategoryEvent, type TemplateQualityEvent } from '../../domain/meta-health-events.js';
import { decideAccountUpdate, qualityOfEvent, stopsMessaging, type NumberHealth, type NumberRestriction, type QualityRating } from '../../domain/number-health.js';
import type { HealthStore } from '../health-store.js';
import { insertEvent } from './event-rows.js';
import { lockMessagesInOrder } from './message-transition.js';
import { returnRefund } from './sql-credit.js';
import type { Database, PhoneNumbersTable } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

type NumberRow = Selectable<PhoneNumbersTable>;

const digits = (s: string): string => s.replace(/\D/g, '');
const factsOf = (r: NumberRow): NumberFacts => ({ accountId: r.account_id!, numberId: r.id, phoneNumberId: r.phone_number_id, wabaId: r.waba_id });

export function healthOf(r: Pick<NumberRow, 'quality_rating' | 'messaging_tier' | 'restriction' | 'violation'>): NumberHealth {
  return {
    qualityRating: r.quality_rating as QualityRating | null, messagingTier: r.messaging_tier,
    restriction: r.restriction === null ? null : (JSON.parse(r.restriction) as NumberRestriction), violation: r.violation,
  };
}

/** `{ health }` once Meta reported anything about the number, else nothing (a number never reported on reads as before). */
export function reportedHealth(r: NumberRow): { health?: NumberHealth } {
  const health = healthOf(r);
  return Object.values(health).some((v) => v !== null) ? { health } : {};
}

export class SqlHealth implements HealthStore {
  constructor(
    private readonly engine: SqlEngine,
    /** A number row changed that a read cache may hold. */
    private readonly onNumbersChanged: () => void,
    /** A refund changed an account's balance. */
    private readonly onBalanceChanged: (accountId: string) => void,
  ) {}

  /** The WABA's numbers, narrowed to one display number when given (Meta's formatting aside). */
  private async numbersOf(trx: Kysely<Database>, wabaId: string, displayPhoneNumber?: string): Promise<NumberRow[]> {
    const rows = await trx.selectFrom('phone_numbers').selectAll().where('waba_id', '=', wabaId)
      .$if(this.engine.capabilities.rowLocks, (q) => q.forUpdate()).execute();
    return displayPhoneNumber === undefined ? rows : rows.filter((r) => digits(r.display_phone_number) === digits(displayPhoneNumber));
  }

  private async changeNumbers(work: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
    try {
      await this.engine.transaction(work);
    } finally {
      this.onNumbersChanged();
    }
  }

  applyNumberQuality(e: NumberQualityEvent, now: number): Promise<void> {
    return this.changeNumbers(async (trx) => {
      for (const row of await this.numbersOf(trx, e.wabaId, e.displayPhoneNumber)) {
        const qualityRating = e.qualityRating ?? qualityOfEvent(e.event) ?? (row.quality_rating as QualityRating | null);
        const tier = e.tier ?? row.messaging_tier;
        if (qualityRating === row.quality_rating && tier === row.messaging_tier) continue;
        await trx.updateTable('phone_numbers').set({ quality_rating: qualityRating, messaging_tier: tier, updated_at: now }).where('id', '=', row.id).execute();
        if (row.account_id !== null)
          await insertEvent(trx, numberQualityChangedEvent(factsOf(row), { event: e.event, qualityRating, tier, previousTier: row.messaging_tier }), now).execute();
      }
    });
  }

  applyAccountUpdate(e: AccountUpdateEvent, now: number): Promise<void> {
    const effect = decideAccountUpdate(e.update);
    if (effect.kind === 'none') return Promise.resolve();
    return this.changeNumbers(async (trx) => {
      for (const row of await this.numbersOf(trx, e.wabaId, e.displayPhoneNumber)) {
        const told = row.account_id === null ? undefined : factsOf(row);
        if (effect.kind === 'violation') {
          if (row.violation === effect.violation) continue;
          await trx.updateTable('phone_numbers').set({ violation: effect.violation, updated_at: now }).where('id', '=', row.id).execute();
          if (told) await insertEvent(trx, accountViolationEvent(told, effect.violation), now).execute();
        } else if (effect.kind === 'restrict') {
          const stored = JSON.stringify(effect.restriction);
          if (row.restriction === stored) continue;
          await trx.updateTable('phone_numbers').set({ restriction: stored, restricted: stopsMessaging(effect.restriction) ? 1 : 0, restricted_until: effect.restriction.until, updated_at: now })
            .where('id', '=', row.id).execute();
          if (told) await insertEvent(trx, accountRestrictedEvent(told, effect.restriction), now).execute();
        } else {
          if (row.restriction === null) continue;
          await trx.updateTable('phone_numbers').set({ restriction: null, restricted: 0, restricted_until: null, updated_at: now }).where('id', '=', row.id).execute();
          if (told) await insertEvent(trx, accountRestrictionLiftedEvent(told, e.update.event), now).execute();
        }
      }
    });
  }

  private async templateOwners(trx: Kysely<Database>, wabaId: string): Promise<string[]> {
    const rows = await trx.selectFrom('phone_numbers').select('account_id').distinct().where('waba_id', '=', wabaId).where('account_id', 'is not', null).execute();
    return rows.map((r) => r.account_id!);
  }

  async applyTemplateQuality(e: TemplateQualityEvent, now: number): Promise<void> {
    await this.engine.transaction(async (trx) => {
      const changed = await trx.updateTable('templates').set({ quality: e.quality, updated_at: now })
        .where('waba_id', '=', e.wabaId).where('name', '=', e.name).where('language', '=', e.language)
        .where((eb) => eb.or([eb('quality', 'is', null), eb('quality', '!=', e.quality)])).executeTakeFirst();
      if (changed.numUpdatedRows === 0n) return;
      for (const accountId of await this.templateOwners(trx, e.wabaId))
        await insertEvent(trx, templateQualityChangedEvent({ accountId, wabaId: e.wabaId, name: e.name, language: e.language }, e.previous, e.quality), now).execute();
    });
  }

  async applyTemplateCategory(e: TemplateCategoryEvent, now: number): Promise<void> {
    await this.engine.transaction(async (trx) => {
      const where = trx.selectFrom('templates').select('category').where('waba_id', '=', e.wabaId).where('name', '=', e.name).where('language', '=', e.language);
      const stored = await where.executeTakeFirst();
      if (!stored) return;
      if (!e.upcoming) {
        if (stored.category === e.category) return;
        await trx.updateTable('templates').set({ category: e.category, updated_at: now })
          .where('waba_id', '=', e.wabaId).where('name', '=', e.name).where('language', '=', e.language).execute();
      }
      const facts = { wabaId: e.wabaId, name: e.name, language: e.language };
      for (const accountId of await this.templateOwners(trx, e.wabaId))
        await insertEvent(trx, templateCategoryChangedEvent({ accountId, ...facts }, { previous: e.upcoming ? null : stored.category, category: e.category, ...(e.upcoming ? { upcoming: e.upcoming } : {}) }), now).execute();
    });
  }

  async applyPricing(statuses: readonly StatusEvent[], now: number): Promise<void> {
    const priced = statuses.filter((s): s is StatusEvent & { pricing: StatusPricing } => s.pricing !== undefined);
    if (priced.length === 0) return;
    const refunded = await this.engine.transaction(async (trx) => {
      const rows = await trx.selectFrom('messages').select(['id', 'account_id', 'wamid', 'pricing']).where('wamid', 'in', priced.map((s) => s.wamid)).execute();
      // Same order as every other writer of message rows, so two transactions never wait on each other in a circle.
      await lockMessagesInOrder(this.engine, trx, async () => rows.map((r) => r.id));
      const byWamid = new Map(rows.map((r) => [r.wamid, r]));
      const accounts: string[] = [];
      for (const status of priced) {
        const message = byWamid.get(status.wamid);
        const pricing = JSON.stringify(status.pricing);
        // Meta repeats the same pricing on each status of a message: only a change is written (and refunded).
        if (!message || message.pricing === pricing) continue;
        message.pricing = pricing;
        await trx.updateTable('messages').set({ pricing }).where('id', '=', message.id).execute();
        if (isFree(status.pricing) && (await this.refundFree(trx, message.id, status.pricing, now))) accounts.push(message.account_id);
      }
      return accounts;
    });
    for (const accountId of refunded) this.onBalanceChanged(accountId);
  }

  /** The reservation back, once: the ledger allows one `free` row per message, so a repeat inserts nothing. */
  private async refundFree(trx: Kysely<Database>, messageId: string, pricing: StatusPricing, now: number): Promise<boolean> {
    const written = await trx.insertInto('credit_ledger')
      .columns(['id', 'account_id', 'message_id', 'kind', 'amount', 'note', 'created_at'])
      .expression((eb) => eb.selectFrom('credit_ledger as reserve')
        .select((s) => [
          sql<string>`${'led_free_'} || ${s.ref('reserve.message_id')}`.as('id'), 'reserve.account_id', 'reserve.message_id', s.val('free').as('kind'),
          s('reserve.amount', '*', -1).as('amount'), s.val(`not billable: ${pricing.type ?? 'billable false'}`).as('note'), s.val(now).as('created_at'),
        ])
        .where('reserve.message_id', '=', messageId).where('reserve.kind', '=', 'reserve').where('reserve.amount', '<', 0))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if ((written.numInsertedOrUpdatedRows ?? 0n) === 0n) return false;
    await returnRefund(trx, messageId, 'free').execute();
    return true;
  }

  async getNumberHealth(numberId: string): Promise<NumberHealth | undefined> {
    const row = await this.engine.db.selectFrom('phone_numbers').select(['quality_rating', 'messaging_tier', 'restriction', 'violation']).where('id', '=', numberId).executeTakeFirst();
    return row ? healthOf(row) : undefined;
  }

  async messagePricing(accountId: string, messageId: string): Promise<StatusPricing | null | undefined> {
    const row = await this.engine.db.selectFrom('messages').select('pricing').where('id', '=', messageId).where('account_id', '=', accountId).executeTakeFirst();
    if (!row) return undefined;
    return row.pricing === null ? null : (JSON.parse(row.pricing) as StatusPricing);
  }

  async uniqueTemplateRecipients(accountId: string, since: number): Promise<number> {
    const row = await this.engine.db.selectFrom('messages').select((eb) => eb.fn.count<number>('recipient').distinct().as('n'))
      .where('account_id', '=', accountId).where('type', '=', 'template').where('created_at', '>', since).where('status', '!=', 'failed')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
