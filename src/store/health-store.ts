/** The store's half for number, account and template health from Meta's webhooks, and the pricing on statuses. */
import type { StatusEvent } from '../domain/meta-events.js';
import type { AccountUpdateEvent, NumberQualityEvent, StatusPricing, TemplateCategoryEvent, TemplateQualityEvent } from '../domain/meta-health-events.js';
import type { NumberHealth } from '../domain/number-health.js';

export interface HealthStore {
  /** Stores the number's quality and tier; tells its account when either changed. Idempotent. */
  applyNumberQuality(event: NumberQualityEvent, now: number): Promise<void>;
  /** Restricts, lifts or records a violation on the numbers the update names; tells their accounts once per change. */
  applyAccountUpdate(event: AccountUpdateEvent, now: number): Promise<void>;
  applyTemplateQuality(event: TemplateQualityEvent, now: number): Promise<void>;
  /** A completed change is stored (it decides the price); a notice is only told. */
  applyTemplateCategory(event: TemplateCategoryEvent, now: number): Promise<void>;
  /**
   * Stores each status's `pricing` on its message and, when Meta says the message is free, gives a prepaid
   * reservation back once (a ledger `free` row per message; repeats change nothing).
   */
  applyPricing(statuses: readonly StatusEvent[], now: number): Promise<void>;
  getNumberHealth(numberId: string): Promise<NumberHealth | undefined>;
  /** The pricing last stored on the account's message; null when none yet, undefined when no such message. */
  messagePricing(accountId: string, messageId: string): Promise<StatusPricing | null | undefined>;
  /** Unique recipients of template sends since `since` (the messaging limit's count), for the health answer. */
  uniqueTemplateRecipients(accountId: string, since: number): Promise<number>;
}
