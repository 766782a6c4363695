/**
 * Numbers in requests: the one building block for numeric fields of bodies and query strings, finite and bounded.
 *
 * Fastify coerces strings to numbers, and Ajv turns `"1e999"` into `Infinity` and then skips `minimum`/`maximum`
 * (they only judge finite numbers), so a bare `{ type: 'integer', maximum: 500 }` lets `Infinity` through. The
 * `x-finite` keyword (registered by `finiteNumbersPlugin`) refuses it, and every integer carries stated bounds.
 */

import type { Bound } from '../../domain/bounds.js';

export const FINITE_KEYWORD = 'x-finite';

interface FieldOptions {
  readonly nullable?: boolean;
  readonly description?: string;
  readonly default?: number;
}

/** The part of Ajv the plugin uses (the repository's top-level `ajv` is another major version than Fastify's). */
interface KeywordHost {
  addKeyword(definition: {
    keyword: string; schemaType: 'boolean'; errors: false; validate: (schema: boolean, data: unknown) => boolean;
  }): unknown;
}

/** The Ajv plugin that teaches Fastify's validator the `x-finite` keyword. */
export function finiteNumbersPlugin<Host extends KeywordHost>(ajv: Host): Host {
  ajv.addKeyword({
    keyword: FINITE_KEYWORD,
    schemaType: 'boolean',
    errors: false,
    validate: function isFiniteWhenNumber(required: boolean, data: unknown) {
      return !required || typeof data !== 'number' || Number.isFinite(data);
    },
  });
  return ajv;
}

/** An integer within `minimum..maximum` (inclusive). */
export function integerField(minimum: number, maximum: number, options: FieldOptions = {}) {
  if (!Number.isSafeInteger(minimum) || !Number.isSafeInteger(maximum) || minimum > maximum)
    throw new Error(`integerField needs safe integer bounds, got ${minimum}..${maximum}`);
  return {
    type: options.nullable ? (['integer', 'null'] as const) : ('integer' as const),
    minimum,
    maximum,
    [FINITE_KEYWORD]: true,
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.default === undefined ? {} : { default: options.default }),
  };
}

/** An integer within one of the domain's bounds (`src/domain/bounds.ts`), so schema and use case agree. */
export function boundField(bound: Bound, options: FieldOptions = {}) {
  return integerField(bound.min, bound.max, options);
}

/** A finite number whose range a domain rule checks (it answers a more specific code than a schema would). */
export function finiteNumberField(options: Pick<FieldOptions, 'description'> = {}) {
  return { type: 'number' as const, [FINITE_KEYWORD]: true, ...options };
}

/** `limit` of a listing: 1..maximum, `fallback` when absent. */
export function pageLimitField(maximum: number, fallback: number) {
  return integerField(1, maximum, { default: fallback });
}
