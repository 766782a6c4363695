/** What one recogniser makes of an upstream answer, and the loose accessors it reads untrusted JSON with. */
import type { CatalogEntry } from '../entry.js';
import type { UpstreamFailure } from '../switchboard-error.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export interface Reading {
  /** Absent when the answer was understood but names no code the catalog knows: the HTTP status then decides. */
  readonly entry?: CatalogEntry;
  readonly detail?: string;
  /** A wait the answer itself states; it outranks a Retry-After header because it is the more specific of the two. */
  readonly retryAfterSeconds?: number;
  readonly upstream: Omit<UpstreamFailure, 'httpStatus'>;
}

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Providers write codes as numbers, and now and then as numeric strings ("131026"); both are the same code. */
export function asCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}
