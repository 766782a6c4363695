/** Errors thrown instead of an answer (undici and Node sockets, DNS, aborts) sorted into timeouts and failed connections. */
import type { GatewayCode } from '../entries/gateway.js';
import { asObject, asText, type JsonObject } from './reading.js';

export interface NetworkReading {
  readonly code: GatewayCode;
  readonly detail: string | undefined;
  /** The errno or undici code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT), else the error's name. */
  readonly upstreamCode: string | undefined;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);
/** Our client aborts only when its own deadline passes, so an abort is a timeout too. */
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError']);

const MAX_DEPTH = 6;

/**
 * The error and everything it wraps: fetch throws TypeError("fetch failed") with the socket error as `cause`,
 * and Node's address-family racing throws an AggregateError whose `errors` hold one failure per address.
 */
export function errorChain(error: unknown, depth = 0): JsonObject[] {
  const link = asObject(error);
  if (link === undefined || depth > MAX_DEPTH) return [];
  const inner = Array.isArray(link.errors) ? link.errors : [];
  return [link, ...errorChain(link.cause, depth + 1), ...inner.flatMap((e: unknown) => errorChain(e, depth + 1))];
}

// DOMException carries a numeric legacy `code`; only string codes name a failure.
const codeOf = (link: JsonObject): string | undefined => asText(link.code);
const isTimeout = (link: JsonObject): boolean =>
  TIMEOUT_CODES.has(codeOf(link) ?? '') || TIMEOUT_NAMES.has(asText(link.name) ?? '');

export function readNetworkError(error: unknown): NetworkReading {
  const chain = errorChain(error);
  const telling = chain.find(isTimeout) ?? chain.find((link) => codeOf(link) !== undefined) ?? chain.at(-1);
  // An AggregateError has a code but no message; the first failure it holds says what happened.
  const said = chain.slice(telling === undefined ? 0 : chain.indexOf(telling)).map((link) => asText(link.message));
  return {
    // Refused, reset, DNS and TLS failures, and anything unrecognised: no answer came, and no deadline was hit.
    code: telling !== undefined && isTimeout(telling) ? 'upstream_timeout' : 'upstream_connection_failed',
    detail: said.find((message) => message !== undefined) ?? (typeof error === 'string' ? error : undefined),
    upstreamCode: telling === undefined ? undefined : (codeOf(telling) ?? asText(telling.name)),
  };
}
