/** The one place where any upstream failure (HTTP answer, socket error or timeout) becomes a `SwitchboardError` bound to its catalog entry. */
import { gatewayEntry } from './catalog.js';
import { SwitchboardError, gatewayError } from './switchboard-error.js';
import { entryForStatus, isGatewayDownStatus } from './normalize/by-status.js';
import {
  bodyText,
  excerpt,
  headerValue,
  htmlTitle,
  isHtmlPage,
  parseJson,
  type HeaderMap,
} from './normalize/http-body.js';
import { readErrorObject, readGraphBody, readOnPremBody, type MetaNamespace } from './normalize/meta-errors.js';
import { readNetworkError } from './normalize/network.js';
import { readPlatformError } from './normalize/platform-error.js';
import { readProviderEnvelope } from './normalize/provider-envelope.js';
import { readStoreFailure, type StoreFailureKind } from './normalize/store-failure.js';
import { asObject, type JsonObject, type Reading } from './normalize/reading.js';
import { parseRetryAfter } from './normalize/retry-after.js';

export type UpstreamAnswer =
  | { kind: 'http'; status: number; body: string | Uint8Array; headers?: HeaderMap }
  /** `requestWritten`: the request had gone out whole when it failed, so the upstream may have acted on it. */
  | { kind: 'network'; error: unknown; requestWritten?: boolean }
  | { kind: 'timeout'; afterMs?: number };

export interface NormalizeOptions {
  /** Milliseconds since the epoch; read only to turn a Retry-After HTTP date into seconds. */
  readonly now?: () => number;
}

/**
 * Tried in order. On-Premises before the envelope because On-Premises bodies carry a `meta` block too;
 * the envelope before `{success:false}` because a BSP's envelope may also say `success:false`.
 */
const BODY_READERS: readonly ((body: JsonObject, httpStatus: number) => Reading | undefined)[] = [
  readGraphBody,
  readOnPremBody,
  readProviderEnvelope,
  readPlatformError,
];

function describeStatus(status: number, text: string): string {
  const firstLine = text.trim().split('\n', 1)[0]?.slice(0, 200) ?? '';
  return firstLine === '' ? `HTTP ${status} with an empty body` : `HTTP ${status}: ${firstLine}`;
}

function readKnownShape(body: JsonObject, status: number): Reading | undefined {
  for (const read of BODY_READERS) {
    const reading = read(body, status);
    if (reading !== undefined) return reading;
  }
  return undefined;
}

function readJsonBody(json: unknown, status: number): Reading {
  const body = asObject(json);
  const known = body === undefined ? undefined : readKnownShape(body, status);
  return known ?? { detail: describeStatus(status, JSON.stringify(json)), upstream: { payload: json } };
}

function readHtmlPage(html: string, status: number): Reading {
  const title = htmlTitle(html);
  return {
    entry: isGatewayDownStatus(status) ? gatewayEntry('upstream_unavailable') : undefined,
    detail: title ?? describeStatus(status, ''),
    upstream: { message: title, payload: excerpt(html) },
  };
}

function readBody(text: string, status: number, contentType: string | undefined): Reading {
  const json = parseJson(text);
  if (json !== undefined) return readJsonBody(json, status);
  if (isHtmlPage(text, contentType)) return readHtmlPage(text, status);
  // Malformed JSON lands here too: kept as text and classed by status, never thrown.
  const payload = excerpt(text);
  return { detail: describeStatus(status, payload), upstream: { payload: payload === '' ? undefined : payload } };
}

function normalizeHttpAnswer(answer: Extract<UpstreamAnswer, { kind: 'http' }>, now: () => number): SwitchboardError {
  const reading = readBody(bodyText(answer.body), answer.status, headerValue(answer.headers, 'content-type'));
  return new SwitchboardError(reading.entry ?? entryForStatus(answer.status), {
    detail: reading.detail,
    retryAfterSeconds: reading.retryAfterSeconds ?? parseRetryAfter(headerValue(answer.headers, 'retry-after'), now),
    upstream: {
      ...reading.upstream,
      httpStatus: answer.status,
      fbtraceId: reading.upstream.fbtraceId ?? headerValue(answer.headers, 'x-fb-trace-id'),
    },
  });
}

function normalizeNetworkError(error: unknown, requestWritten: boolean): SwitchboardError {
  const reading = readNetworkError(error);
  return gatewayError(requestWritten ? 'upstream_outcome_unknown' : reading.code, {
    detail: reading.detail,
    upstream: { code: reading.upstreamCode, message: reading.detail },
    cause: error,
  });
}

export function normalizeUpstreamFailure(answer: UpstreamAnswer, options: NormalizeOptions = {}): SwitchboardError {
  switch (answer.kind) {
    case 'http':
      return normalizeHttpAnswer(answer, options.now ?? Date.now);
    case 'network':
      return normalizeNetworkError(answer.error, answer.requestWritten === true);
    case 'timeout':
      return gatewayError('upstream_timeout', {
        detail: answer.afterMs === undefined ? undefined : `No answer within ${answer.afterMs} ms`,
      });
  }
}

const STORE_FAILURE_DETAILS: Readonly<Record<StoreFailureKind, string>> = {
  unreachable: 'The gateway cannot reach its database right now.',
  busy: 'The gateway\u2019s database stayed busy past its timeout.',
  'timed-out': 'A database statement ran past its timeout and was cancelled.',
};

/**
 * A failure of the gateway's own database that means "try again shortly" (unreachable, busy, timed out) as
 * store_unavailable; undefined for anything else, which stays an internal error. The driver's message is kept as the
 * cause for the log only: it can name hosts and files.
 */
export function normalizeStoreFailure(error: unknown): SwitchboardError | undefined {
  const kind = readStoreFailure(error);
  return kind === undefined ? undefined : gatewayError('store_unavailable', { detail: STORE_FAILURE_DETAILS[kind], cause: error });
}

/**
 * One error object of a webhook `statuses[].errors[]`, `value.errors[]` or an On-Premises `errors[]`.
 * Without a namespace Meta's reading leads and On-Premises follows, as in the catalog; a code neither knows,
 * or an object without a code, is still kept whole in `upstream` as a rejection.
 */
export function normalizeStatusError(error: unknown, namespace?: MetaNamespace): SwitchboardError {
  const reading = readErrorObject(error, namespace === undefined ? ['meta', 'onprem'] : [namespace]);
  return new SwitchboardError(reading?.entry ?? gatewayEntry('upstream_rejected'), {
    detail: reading?.detail,
    upstream: reading?.upstream ?? { payload: error },
  });
}
