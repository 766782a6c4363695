/**
 * Failures of the gateway's own database that mean "not now" rather than "wrong": the server cannot be reached, a
 * lock stayed held past the busy timeout, or a statement ran past its timeout. Read structurally (codes and the pg
 * pool's fixed messages), so the catalog depends on no driver.
 */
import { errorChain } from './network.js';
import { asText, type JsonObject } from './reading.js';

export type StoreFailureKind = 'unreachable' | 'busy' | 'timed-out';

/** better-sqlite3's codes; extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE …) share the prefix. */
const SQLITE_KINDS: readonly [RegExp, StoreFailureKind][] = [
  [/^SQLITE_(BUSY|LOCKED)(_|$)/, 'busy'],
  [/^SQLITE_(IOERR|CANTOPEN|PROTOCOL)(_|$)/, 'unreachable'],
];

/** PostgreSQL SQLSTATEs: class 08 (connection exception), 57 (operator intervention), and the busy ones. */
const SQLSTATE_KINDS: readonly [RegExp, StoreFailureKind][] = [
  [/^57014$/, 'timed-out'],
  [/^(55P03|53300)$/, 'busy'],
  [/^(08...|57P0[1-3])$/, 'unreachable'],
];

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** What pg's pool and client throw, without a code, when a connection cannot be had or is lost. */
const POOL_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect$/, /is not queryable$/];

function kindOfLink(link: JsonObject): StoreFailureKind | undefined {
  const code = asText(link.code) ?? '';
  for (const [pattern, kind] of [...SQLITE_KINDS, ...SQLSTATE_KINDS]) if (pattern.test(code)) return kind;
  if (SOCKET_CODES.has(code)) return 'unreachable';
  const message = asText(link.message) ?? '';
  return POOL_MESSAGES.some((pattern) => pattern.test(message)) ? 'unreachable' : undefined;
}

/** Reads the error and what it wraps (a connect failure arrives as an AggregateError of one failure per address). */
export function readStoreFailure(error: unknown): StoreFailureKind | undefined {
  return errorChain(error).map(kindOfLink).find((kind) => kind !== undefined);
}
