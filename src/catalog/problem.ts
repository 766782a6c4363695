/** Renders a SwitchboardError for the outside world: RFC 9457 problem+json, or Graph's own error shape. */
import { isRetryable, type Namespace } from './entry.js';
import type { SwitchboardError, UpstreamFailure } from './switchboard-error.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly code: number | string;
  readonly namespace: Namespace;
  readonly retryable: boolean;
  readonly retry_after?: number;
  readonly action: string;
  readonly field?: string;
  readonly upstream?: UpstreamView;
  readonly [extension: string]: unknown;
}

/** What the upstream said, in the snake_case every other field a customer reads uses. */
export interface UpstreamView {
  readonly http_status?: number;
  readonly code?: number | string;
  readonly subcode?: number;
  readonly message?: string;
  readonly details?: string;
  readonly fbtrace_id?: string;
  readonly payload?: unknown;
}

export function upstreamView(u: UpstreamFailure): UpstreamView {
  return {
    ...(u.httpStatus === undefined ? {} : { http_status: u.httpStatus }),
    ...(u.code === undefined ? {} : { code: u.code }),
    ...(u.subcode === undefined ? {} : { subcode: u.subcode }),
    ...(u.message === undefined ? {} : { message: u.message }),
    ...(u.details === undefined ? {} : { details: u.details }),
    ...(u.fbtraceId === undefined ? {} : { fbtrace_id: u.fbtraceId }),
    ...(u.payload === undefined ? {} : { payload: u.payload }),
  };
}

/** Where an entry is explained: the gateway's own error endpoint, so the link works on every deployment. */
export function problemType(namespace: Namespace, code: number | string): string {
  return `/v1/errors/${namespace}/${encodeURIComponent(String(code))}`;
}

export function toProblem(error: SwitchboardError, instance?: string): ProblemDetails {
  const { entry } = error;
  const retryAfter = error.retryAfterSeconds;
  return {
    ...error.extensions,
    type: problemType(entry.namespace, entry.code),
    title: entry.title,
    status: entry.httpStatus,
    detail: error.detail ?? entry.meaning,
    ...(instance === undefined ? {} : { instance }),
    code: entry.code,
    namespace: entry.namespace,
    retryable: isRetryable(entry.retry),
    ...(retryAfter === undefined ? {} : { retry_after: retryAfter }),
    action: entry.action,
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.upstream === undefined ? {} : { upstream: upstreamView(error.upstream) }),
  };
}

/** Graph's error body, as Cloud API SDKs parse it; `message` follows Meta's "(#code) title" form. */
export interface GraphErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly code: number;
    readonly error_subcode?: number;
    readonly error_data: { readonly messaging_product: 'whatsapp'; readonly details: string };
    readonly error_user_title?: string;
    readonly error_user_msg?: string;
    readonly is_transient: boolean;
    readonly fbtrace_id: string;
  };
}

export function toGraphError(error: SwitchboardError, traceId: string): GraphErrorBody {
  const { entry } = error;
  return {
    error: {
      message: `(#${entry.graphCode}) ${entry.title}`,
      type: 'OAuthException',
      code: entry.graphCode,
      error_data: { messaging_product: 'whatsapp', details: error.detail ?? entry.meaning },
      ...(entry.namespace === 'meta' ? {} : { error_user_title: entry.title, error_user_msg: entry.action }),
      is_transient: isRetryable(entry.retry),
      fbtrace_id: traceId,
    },
  };
}
