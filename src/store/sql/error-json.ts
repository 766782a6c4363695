/** How a message keeps its last error (dispatch outcomes and Meta's failed statuses alike): JSON text in its row. */
import type { SwitchboardError } from '../../catalog/switchboard-error.js';

export function errorJson(error: SwitchboardError): string {
  return JSON.stringify({ namespace: error.entry.namespace, code: error.entry.code, detail: error.detail ?? error.entry.title, ...(error.upstream ? { upstream: error.upstream } : {}) });
}
