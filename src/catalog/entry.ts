/** The shape of one catalog entry and the closed sets its fields draw from. */

export const NAMESPACES = ['meta', 'onprem', 'gateway', 'sms'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/**
 * What a caller (or our dispatcher) does after meeting the error.
 * transient: retry this message with backoff · throttled: retry it after the hint and slow down ·
 * wait: the sending number or account cannot send until a condition clears (maintenance, a registration timeout,
 * a policy block), so its whole queue waits · fix-request: change the request (another template, a fixed field) ·
 * reauth: replace credentials · permanent: do not send this again.
 * Conditions of one recipient or one template are never `wait`: they must not hold up the rest of the queue.
 */
export const RETRY_CLASSES = ['transient', 'throttled', 'wait', 'fix-request', 'reauth', 'permanent'] as const;
export type RetryClass = (typeof RETRY_CLASSES)[number];

/** The provider keys of shared/seed-errors.tsv. */
export const ALIAS_SOURCES = ['aisoule', 'smsrest', '360dialog', 'waconnect', 'metatable'] as const;
export type AliasSource = (typeof ALIAS_SOURCES)[number];

/** How Meta reports an error: on the HTTP answer, only on a `failed` status webhook, or either. */
export const ARRIVALS = ['sync', 'async', 'both'] as const;
export type Arrival = (typeof ARRIVALS)[number];

export interface RetryHint {
  readonly class: RetryClass;
  /** Seconds to wait before trying again when the error itself implies a wait. */
  readonly delaySeconds?: number;
  /** Growing waits (delay = base × factor^attempt), e.g. 131056's 1, 4, 16 … s. */
  readonly backoff?: { readonly baseSeconds: number; readonly factor: number };
}

/** How one seed provider names this error. `kind`, `code` and `label` copy the provider's row verbatim. */
export interface Alias {
  readonly source: AliasSource;
  readonly kind: string;
  readonly code?: string;
  readonly label: string;
  readonly httpStatus?: number;
  /** Set when the provider's reading of the code differs from the entry's meaning: how it differs. */
  readonly conflict?: string;
}

export interface CatalogEntry {
  readonly namespace: Namespace;
  /** Meta, On-Premises and SMS codes are numbers; Switchboard's own errors are snake_case slugs. */
  readonly code: number | string;
  readonly title: string;
  readonly meaning: string;
  readonly httpStatus: number;
  readonly retry: RetryHint;
  readonly action: string;
  /** Anchor of the entry in docs/errors.md and the last segment of its problem `type`. */
  readonly docs: string;
  readonly aliases: readonly Alias[];
  readonly arrives?: Arrival;
  /** The numeric code the Cloud-API-compatible surface answers with (Meta entries: their own code). */
  readonly graphCode: number;
  /** True only for entries that name a success (the seeds list "Success" among their codes). */
  readonly success?: boolean;
  /** Retired codes keep their row so that they are never reused. */
  readonly retired?: boolean;
  /** True for failures after which the upstream may have acted on the request all the same (a lost answer). */
  readonly outcomeUnknown?: boolean;
}

/** What a data file writes; the namespace, docs slug and defaults are filled in by `defineEntries`. */
export interface EntryInput {
  readonly code: number | string;
  readonly title: string;
  readonly meaning: string;
  readonly httpStatus: number;
  readonly retry: RetryClass | RetryHint;
  readonly action: string;
  readonly aliases?: readonly Alias[];
  readonly arrives?: Arrival;
  readonly graphCode?: number;
  readonly success?: boolean;
  readonly retired?: boolean;
  readonly outcomeUnknown?: boolean;
}

export function docsSlug(namespace: Namespace, code: number | string): string {
  return `${namespace}-${String(code).replaceAll('_', '-')}`;
}

/** Graph code for entries that are not Meta's own: the nearest Graph meaning of their HTTP status. */
function defaultGraphCode(httpStatus: number): number {
  if (httpStatus === 401) return 190;
  if (httpStatus === 403) return 10;
  if (httpStatus === 429) return 4;
  if (httpStatus === 503 || httpStatus === 502) return 2;
  if (httpStatus >= 500) return 1;
  return 100;
}

export function defineEntries(namespace: Namespace, inputs: readonly EntryInput[]): CatalogEntry[] {
  return inputs.map((input) => ({
    namespace,
    code: input.code,
    title: input.title,
    meaning: input.meaning,
    httpStatus: input.httpStatus,
    retry: typeof input.retry === 'string' ? { class: input.retry } : input.retry,
    action: input.action,
    docs: docsSlug(namespace, input.code),
    aliases: input.aliases ?? [],
    graphCode:
      input.graphCode ?? (namespace === 'meta' && typeof input.code === 'number' ? input.code : defaultGraphCode(input.httpStatus)),
    ...(input.arrives === undefined ? {} : { arrives: input.arrives }),
    ...(input.success === undefined ? {} : { success: input.success }),
    ...(input.retired === undefined ? {} : { retired: input.retired }),
    ...(input.outcomeUnknown === undefined ? {} : { outcomeUnknown: input.outcomeUnknown }),
  }));
}

/** Retry classes a client may simply try again later; the rest need a change first. */
export function isRetryable(retry: RetryHint): boolean {
  return retry.class === 'transient' || retry.class === 'throttled' || retry.class === 'wait';
}
