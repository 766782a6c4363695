/** How a message keeps its last error (dispatch outcomes and Meta's failed statuses alike): JSON text in its row. */
import { sql } from 'kysely';
import type { SwitchboardError } from '../../catalog/switchboard-error.js';

export function errorJson(error: SwitchboardError): string {
  return JSON.stringify({ namespace: error.entry.namespace, code: error.entry.code, detail: error.detail ?? error.entry.title, ...(error.upstream ? { upstream: error.upstream } : {}) });
}

/** `error` holds this entry's error: errorJson writes namespace and code first, so their text is a prefix of it. */
export function errorIs(entry: { readonly namespace: string; readonly code: number | string }) {
  const prefix = `{"namespace":${JSON.stringify(entry.namespace)},"code":${JSON.stringify(entry.code)},`;
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`error LIKE ${pattern} ESCAPE '\\'`;
}
