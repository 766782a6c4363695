/** Prices by category and country, and the ledger rules, as tables. */
import { describe, expect, it } from 'vitest';
import { checkTopUp, ledgerDrift } from './ledger.js';
import { categoryOf, countryOf, DEFAULT_PRICE, priceOf, type PriceRule } from './pricing.js';

const rules: PriceRule[] = [
  { category: 'marketing', country: 'DE', price: 12 },
  { category: 'marketing', country: '*', price: 9 },
  { category: 'service', country: '*', price: 0 },
];

describe('priceOf', () => {
  it.each([
    ['marketing', 'DE', 12],
    ['marketing', 'US', 9],
    ['marketing', undefined, 9],
    ['service', 'DE', 0],
    ['utility', 'DE', DEFAULT_PRICE],
  ] as const)('%s to %s costs %s', (category, country, price) => {
    expect(priceOf(rules, category, country, 0)).toBe(price);
  });

  const dated: PriceRule[] = [
    { category: 'utility', country: 'DE', price: 4 },
    { category: 'utility', country: 'DE', price: 5, effectiveFrom: 1000 },
    { category: 'utility', country: 'DE', price: 6, effectiveFrom: 2000 },
    { category: 'utility', country: '*', price: 2, effectiveFrom: 500 },
  ];
  it.each([
    ['DE', 999, 4],
    ['DE', 1000, 5],
    ['DE', 5000, 6],
    ['FR', 499, DEFAULT_PRICE],
    ['FR', 500, 2],
  ] as const)('a dated table: utility to %s at %s costs %s', (country, at, price) => {
    expect(priceOf(dated, 'utility', country, at)).toBe(price);
  });
});

describe('categoryOf and countryOf', () => {
  it.each([
    ['text', undefined, 'service'],
    ['image', undefined, 'service'],
    ['template', 'MARKETING', 'marketing'],
    ['template', 'AUTHENTICATION', 'authentication'],
    ['template', undefined, 'utility'],
    ['template', 'SOMETHING_NEW', 'utility'],
  ] as const)('%s (%s) → %s', (type, category, expected) => {
    expect(categoryOf(type, category)).toBe(expected);
  });
  it.each([['4915112345678', 'DE'], ['12025550123', 'US'], ['33612345678', 'FR']])('%s is in %s', (waId, country) => {
    expect(countryOf(waId)).toBe(country);
  });
});

describe('ledger rules', () => {
  it.each([
    [0, 100, 'allow'],
    [null, 5, 'allow'],
    [10, -10, 'allow'],
    [10, -11, 'invalid_request'],
    [10, 0, 'invalid_request'],
    [10, 1.5, 'invalid_request'],
  ] as const)('balance %s, top-up %s → %s', (balance, amount, expected) => {
    const d = checkTopUp(balance, amount);
    expect(d.kind === 'allow' ? 'allow' : d.error.entry.code).toBe(expected);
  });
  it('measures drift between the balance and the ledger', () => {
    expect(ledgerDrift(89, [{ amount: 100 }, { amount: -7 }, { amount: -3 }, { amount: -1 }, { amount: 0 }])).toBe(0);
    expect(ledgerDrift(90, [{ amount: 100 }, { amount: -11 }])).toBe(1);
  });
});
