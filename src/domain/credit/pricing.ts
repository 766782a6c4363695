/** What one message costs an account on prepaid credit: by Meta's pricing category and the recipient's country. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { MessageType } from '../message.js';

export const PRICE_CATEGORIES = ['marketing', 'utility', 'authentication', 'service'] as const;
export type PriceCategory = (typeof PRICE_CATEGORIES)[number];

/** `country` is an ISO 3166 alpha-2 code, or `*` for every country without its own price. */
export interface PriceRule {
  readonly category: PriceCategory;
  readonly country: string;
  readonly price: number;
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

export function priceOf(rules: readonly PriceRule[], category: PriceCategory, country: string | undefined): number {
  const exact = country === undefined ? undefined : rules.find((r) => r.category === category && r.country === country);
  return (exact ?? rules.find((r) => r.category === category && r.country === '*'))?.price ?? DEFAULT_PRICE;
}
