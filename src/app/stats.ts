/**
 * The dashboard's aggregate reads, shaped for the wire: a period cut into buckets, the status series and funnel, failures
 * by catalog entry, queues per number and backlog per endpoint. Everything takes `now`; nothing here reads a clock.
 */
import { errorSummary, type ErrorSummary, type StoredError } from '../catalog/error-summary.js';
import { findByCode } from '../catalog/catalog.js';
import { gatewayError } from '../catalog/switchboard-error.js';
import { MESSAGE_STATES, type MessageState } from '../domain/message-state.js';
import type { EndpointActivity, FailureCount, NumberActivity, StatsWindow, StatusCount } from '../store/dashboard-store.js';

export const DEFAULT_PERIOD_MS = 60 * 60_000;
export const DEFAULT_BUCKET_SECONDS = 60;
/** More buckets than a chart can show only costs the store work. */
export const MAX_BUCKETS = 1_440;
/** Endpoint success rates count the attempts of the last day. */
export const ENDPOINT_RATE_PERIOD_MS = 24 * 60 * 60_000;

const iso = (ms: number): string => new Date(ms).toISOString();

export interface WindowRequest {
  readonly accountId: string | null;
  readonly since: number | undefined;
  readonly until: number | undefined;
  /** The period's length when `since` is left out; default an hour. */
  readonly periodSeconds: number | undefined;
  readonly bucketSeconds: number | undefined;
}

/**
 * The period asked for, the last hour by default; refused when it is empty or cut into too many buckets. Left open, it
 * ends with the current bucket, so repeated reads within one bucket ask the same question (and share an ETag).
 */
export function statsWindow(request: WindowRequest, now: number): StatsWindow {
  const bucketMs = (request.bucketSeconds ?? DEFAULT_BUCKET_SECONDS) * 1000;
  const until = request.until ?? now - (now % bucketMs) + bucketMs;
  const since = request.since ?? until - (request.periodSeconds === undefined ? DEFAULT_PERIOD_MS : request.periodSeconds * 1000);
  if (since >= until) throw gatewayError('invalid_request', { detail: '`since` must be before `until`.', field: 'since' });
  if ((until - since) / bucketMs > MAX_BUCKETS)
    throw gatewayError('invalid_request', { detail: `The period holds more than ${MAX_BUCKETS} buckets; choose a wider \`bucket_seconds\`.`, field: 'bucket_seconds' });
  return { accountId: request.accountId, since, until, bucketMs };
}

/** The states a message passes on its way to `read`, in order; every other state (failed, canceled, still scheduled) is off it. */
const PATH: readonly MessageState[] = ['accepted', 'queued', 'sent', 'delivered', 'read'];
const OFF_PATH = MESSAGE_STATES.filter((state) => !PATH.includes(state));

/**
 * How many messages of the period reached each state: a message now `read` passed `sent` and `delivered` too, and every
 * stored message was accepted. A message off the path (failed, canceled, scheduled) counts as accepted and in its own
 * state only: the store keeps its current state, not every state it passed.
 */
export function statusFunnel(counts: readonly StatusCount[]): Record<string, number> {
  const current = new Map<string, number>();
  for (const c of counts) current.set(c.status, (current.get(c.status) ?? 0) + c.count);
  const funnel: Record<string, number> = {};
  PATH.forEach((state, i) => {
    funnel[state] = PATH.slice(i).reduce((sum, later) => sum + (current.get(later) ?? 0), 0);
  });
  for (const state of OFF_PATH) funnel[state] = current.get(state) ?? 0;
  funnel[PATH[0]!] = [...current.values()].reduce((a, b) => a + b, 0);
  return funnel;
}

/** Rows of (bucket, key, count) as one point per bucket of the period, empty buckets included, so charts need no gaps logic. */
export function bucketSeries<T extends { readonly at: number; readonly count: number }>(window: StatsWindow, rows: readonly T[], keyOf: (row: T) => string) {
  const first = window.since - (window.since % window.bucketMs);
  const points = new Map<number, Record<string, number>>();
  for (let at = first; at < window.until; at += window.bucketMs) points.set(at, {});
  for (const row of rows) {
    const counts = points.get(row.at) ?? {};
    counts[keyOf(row)] = (counts[keyOf(row)] ?? 0) + row.count;
    points.set(row.at, counts);
  }
  return [...points.entries()].sort(([a], [b]) => a - b).map(([at, counts]) => ({ at: iso(at), counts }));
}

export function messageStats(window: StatsWindow, counts: readonly StatusCount[]) {
  return {
    since: iso(window.since), until: iso(window.until), bucket_seconds: window.bucketMs / 1000,
    series: bucketSeries(window, counts, (c) => c.status),
    funnel: statusFunnel(counts),
  };
}

const errorKey = (e: { readonly namespace: string; readonly code: number | string }): string => `${e.namespace}/${String(e.code)}`;

/** Refusals before any upstream request, as this process counted them since it started, by catalog code. */
export interface PreflightCounts {
  readonly refused: ReadonlyMap<string, number>;
  /** Messages this process saw fail after they were accepted (the bad sends preflight did not stop). */
  readonly failedAfterAccept: number;
}

function preflightView(counts: PreflightCounts) {
  const refused = [...counts.refused.values()].reduce((a, b) => a + b, 0);
  const total = refused + counts.failedAfterAccept;
  return {
    scope: 'process',
    refused, failed_after_accept: counts.failedAfterAccept, share: total === 0 ? null : refused / total,
    by_code: [...counts.refused.entries()].sort(([, a], [, b]) => b - a).map(([code, count]) => {
      const entry = findByCode(code)[0];
      return { ...(entry ? errorSummary({ namespace: entry.namespace, code: entry.code }) : { code }), count };
    }),
  };
}

export function errorStats(window: StatsWindow, failures: readonly FailureCount[], preflight: PreflightCounts | null) {
  const totals = new Map<string, { summary: ErrorSummary; count: number }>();
  for (const f of failures) {
    const seen = totals.get(errorKey(f)) ?? { summary: errorSummary({ namespace: f.namespace, code: f.code }), count: 0 };
    seen.count += f.count;
    totals.set(errorKey(f), seen);
  }
  return {
    since: iso(window.since), until: iso(window.until), bucket_seconds: window.bucketMs / 1000,
    series: bucketSeries(window, failures, errorKey),
    codes: [...totals.entries()].sort(([, a], [, b]) => b.count - a.count).map(([key, t]) => ({ key, ...t.summary, count: t.count })),
    preflight: preflight === null ? null : preflightView(preflight),
  };
}

function holdReason(holdError: string | null): ErrorSummary | null {
  return holdError === null ? null : errorSummary(JSON.parse(holdError) as StoredError);
}

/** A number is paused (it needs new credentials) or parked until a time (Meta told it to wait), or sending. */
function sendingState(n: NumberActivity, now: number): 'paused' | 'parked' | 'sending' {
  if (n.paused) return 'paused';
  return n.heldUntil !== null && n.heldUntil > now ? 'parked' : 'sending';
}

export function numberQueueView(n: NumberActivity, now: number) {
  const state = sendingState(n, now);
  return {
    number_id: n.numberId, account_id: n.accountId, display_phone_number: n.displayPhoneNumber, registration: n.registration,
    state, held_until: state === 'parked' ? iso(n.heldUntil!) : null, reason: state === 'sending' ? null : holdReason(n.holdError),
    queue_depth: n.jobs, oldest_due_at: n.oldestDueAt === null ? null : iso(n.oldestDueAt),
    sent_last_minute: n.sentLastMinute, throughput_per_second: n.sentLastMinute / 60, max_mps: n.maxMps,
  };
}

export function endpointBacklogView(e: EndpointActivity) {
  const attempts = e.delivered + e.notDelivered;
  return {
    endpoint_id: e.endpointId, account_id: e.accountId, url: e.url, enabled: e.enabled, backlog: e.pending,
    attempts_last_day: attempts, delivered_last_day: e.delivered, success_rate: attempts === 0 ? null : e.delivered / attempts,
  };
}
