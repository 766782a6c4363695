/**
 * The ranges of the numbers operators set (limits, credit, speeds, thresholds): one table that the API's schemas and
 * the admin use cases both read, so the command line cannot store a value the API would refuse.
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from './decision.js';

/** Ceilings: generous for any real use, far below where sums stop being exact integers. */
export const MAX_COUNT = 1_000_000_000;
export const MAX_CREDIT = 1_000_000_000_000;
export const MAX_REQUESTS_PER_SECOND = 1_000_000;
export const MAX_INTERVAL_SECONDS = 7 * 24 * 3600;

export interface Bound {
  /** The field's name on the API, which errors point at. */
  readonly field: string;
  readonly min: number;
  readonly max: number;
}

export const BOUNDS = {
  rateLimitPerSecond: { field: 'rate_limit_per_second', min: 1, max: MAX_REQUESTS_PER_SECOND },
  credit: { field: 'credit', min: 0, max: MAX_CREDIT },
  creditAmount: { field: 'amount', min: -MAX_CREDIT, max: MAX_CREDIT },
  price: { field: 'price', min: 0, max: MAX_CREDIT },
  maxMps: { field: 'max_mps', min: 1, max: 1000 },
  spamThreshold: { field: 'spam_threshold', min: 1, max: MAX_COUNT },
  requestsPerMinute: { field: 'requests_per_minute', min: 1, max: MAX_COUNT },
  requestIntervalSeconds: { field: 'request_interval_seconds', min: 1, max: MAX_INTERVAL_SECONDS },
  // Meta keeps trying to deliver a message for 30 days at most (domain/delivery.ts).
  defaultValiditySeconds: { field: 'default_validity_seconds', min: 1, max: 30 * 24 * 3600 },
} as const satisfies Record<string, Bound>;

/** A value left out (undefined) or cleared (null) is not this rule's business; a given one must be a whole number in range. */
export function checkBound(bound: Bound, value: number | null | undefined): RuleDecision {
  if (value === undefined || value === null) return ALLOW;
  if (Number.isSafeInteger(value) && value >= bound.min && value <= bound.max) return ALLOW;
  return refuse(
    gatewayError('invalid_request', { detail: `\`${bound.field}\` must be a whole number from ${bound.min} to ${bound.max}.`, field: bound.field }),
  );
}
