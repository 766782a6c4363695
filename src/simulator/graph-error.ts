/** Meta codes → Graph answers and webhook `errors[]`, all read from the catalog so the simulator and the catalog never drift. */
import { requireEntry } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/entry.js';
import { toGraphError, type GraphErrorBody } from '../catalog/problem.js';
import { SwitchboardError } from '../catalog/switchboard-error.js';
import type { Rejection } from './rules/outcome.js';

export const ERROR_DOCS_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

export interface GraphAnswer {
  readonly status: number;
  readonly body: GraphErrorBody;
}

export function metaEntry(code: number): CatalogEntry {
  return requireEntry('meta', code);
}

export function graphAnswer(rejection: Rejection, traceId: string, statusOverride?: number): GraphAnswer {
  const entry = metaEntry(rejection.code);
  const rendered = toGraphError(new SwitchboardError(entry, rejection.details === undefined ? {} : { detail: rejection.details }), traceId);
  const body: GraphErrorBody =
    rejection.subcode === undefined ? rendered : { error: { ...rendered.error, error_subcode: rejection.subcode } };
  return { status: statusOverride ?? entry.httpStatus, body };
}

/** The `errors[]` item of a `failed` status (Meta's StatusError). */
export interface StatusError {
  readonly code: number;
  readonly title: string;
  readonly message: string;
  readonly error_data: { readonly details: string };
  readonly href: string;
}

export function statusError(rejection: Rejection): StatusError {
  const entry = metaEntry(rejection.code);
  return {
    code: entry.graphCode,
    title: entry.title,
    message: entry.title,
    error_data: { details: rejection.details ?? entry.meaning },
    href: ERROR_DOCS_HREF,
  };
}

/** Codes Meta reports only on a `failed` status, whatever the catalog's wider reading (the issue names these three). */
const ASYNC_ONLY: ReadonlySet<number> = new Set([131026, 131049, 131050]);

/** Whether Meta reports this code on the status webhook rather than on the send's answer. */
export function arrivesAsync(code: number): boolean {
  return ASYNC_ONLY.has(code) || metaEntry(code).arrives === 'async';
}
