/** What one message costs an account on prepaid credit: by Meta's pricing category and the recipient's country. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { MessageType } from '../message.js';

/** `sms` prices one SMS segment. */
export const PRICE_CATEGORIES = ['marketing', 'utility', 'authentication', 'service', 'sms'] as const;
export type PriceCategory = (typeof PRICE_CATEGORIES)[number];

/**
 * `country` is an ISO 3166 alpha-2 code (read from the recipient's number prefix), or `*` for every country without its
 * own price. `effectiveFrom` (epoch ms) dates the price: Meta changes its rates on given days, so a table can hold the
 * next price beside the current one; absent = in effect since always.
 */
export interface PriceRule {
  readonly category: PriceCategory;
  readonly country: string;
  readonly price: number;
  readonly effectiveFrom?: number;
}

/** Without any price the account pays one unit per message, so credit reads as "messages left". */
export const DEFAULT_PRICE = 1;

/** Templates are billed by their category; everything else is a service (customer-initiated) message. */
export function categoryOf(type: MessageType, templateCategory: string | undefined): PriceCategory {
  if (type !== 'template') return 'service';
  const category = (templateCategory ?? 'utility').toLowerCase();
  return (PRICE_CATEGORIES as readonly string[]).includes(category) ? (category as PriceCategory) : 'utility';
}

export function countryOf(waId: string): string | undefined {
  return parsePhoneNumberFromString(`+${waId}`)?.country;
}

/** The price in effect at `now`: the latest dated rule of the recipient's country, else of `*`, else DEFAULT_PRICE. */
export function priceOf(rules: readonly PriceRule[], category: PriceCategory, country: string | undefined, now: number): number {
  const inEffect = (wanted: string | undefined) =>
    rules.filter((r) => r.category === category && r.country === wanted && (r.effectiveFrom ?? 0) <= now)
      .reduce<PriceRule | undefined>((latest, r) => (latest === undefined || (r.effectiveFrom ?? 0) > (latest.effectiveFrom ?? 0) ? r : latest), undefined);
  return (inEffect(country) ?? inEffect('*'))?.price ?? DEFAULT_PRICE;
}
