/** The last resort for answers whose code we do not know: the HTTP status alone picks a gateway `upstream_*` entry. */
import type { CatalogEntry } from '../entry.js';
import type { GatewayCode } from '../entries/gateway.js';
import { gatewayEntry } from '../catalog.js';

function codeForStatus(status: number): GatewayCode {
  if (status === 401 || status === 403) return 'upstream_unauthorized';
  if (status === 429) return 'upstream_throttled';
  if (status >= 400 && status < 500) return 'upstream_rejected';
  // 5xx, and the odd 2xx/3xx a caller still calls a failure: neither says the request itself was wrong.
  return 'upstream_error';
}

export function entryForStatus(status: number): CatalogEntry {
  return gatewayEntry(codeForStatus(status));
}

/** Proxies answer 502/503/504 with their own page when the service behind them is down or restarting. */
export function isGatewayDownStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}
