/** The one error class every layer throws: a catalog entry plus what this occurrence adds to it. */
import type { CatalogEntry } from './entry.js';
import { gatewayEntry } from './catalog.js';
import type { GatewayCode } from './entries/gateway.js';

/** What the upstream said, kept verbatim so that nothing Meta told us is lost. */
export interface UpstreamFailure {
  readonly httpStatus?: number;
  readonly code?: number | string;
  readonly subcode?: number;
  readonly message?: string;
  readonly details?: string;
  readonly fbtraceId?: string;
  /** The original payload: parsed JSON when it was JSON, else the raw text. */
  readonly payload?: unknown;
}

export interface ErrorOccurrence {
  readonly detail?: string;
  /** JSON pointer or dotted path of the offending request field. */
  readonly field?: string;
  readonly retryAfterSeconds?: number;
  readonly upstream?: UpstreamFailure;
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class SwitchboardError extends Error {
  readonly entry: CatalogEntry;
  readonly detail: string | undefined;
  readonly field: string | undefined;
  readonly upstream: UpstreamFailure | undefined;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  private readonly retryAfterOverride: number | undefined;

  constructor(entry: CatalogEntry, occurrence: ErrorOccurrence = {}) {
    super(occurrence.detail ?? entry.title, occurrence.cause === undefined ? undefined : { cause: occurrence.cause });
    this.name = 'SwitchboardError';
    this.entry = entry;
    this.detail = occurrence.detail;
    this.field = occurrence.field;
    this.upstream = occurrence.upstream;
    this.extensions = occurrence.extensions;
    this.retryAfterOverride = occurrence.retryAfterSeconds;
  }

  /** Seconds to wait that this occurrence itself stated (a Retry-After, a wait in the message), if any. */
  get statedRetryAfterSeconds(): number | undefined {
    return this.retryAfterOverride;
  }

  /** Seconds to wait before retrying: what this occurrence said, else the entry's hint. */
  get retryAfterSeconds(): number | undefined {
    return this.retryAfterOverride ?? this.entry.retry.delaySeconds;
  }
}

export function gatewayError(code: GatewayCode, occurrence: ErrorOccurrence = {}): SwitchboardError {
  return new SwitchboardError(gatewayEntry(code), occurrence);
}

export function isSwitchboardError(value: unknown): value is SwitchboardError {
  return value instanceof SwitchboardError;
}
