/** How the SMS channel's records look to the outside (admin API and CLI): snake_case, ISO times, never a password. */
import type { BindState } from '../sms/smpp-connector.js';
import type { SmsConnectorRecord, SmsRouteRecord } from '../store/sms-store.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** `bind_state` is this process's view: `disabled`, or `not-running` where this process runs no connectors. */
export function connectorView(c: SmsConnectorRecord, state: BindState | undefined) {
  return {
    id: c.id, name: c.name, host: c.host, port: c.port, system_id: c.systemId, system_type: c.systemType,
    throughput_per_second: c.throughputPerSecond, window: c.window, enabled: c.enabled,
    bind_state: c.enabled ? (state ?? 'not-running') : 'disabled',
    created_at: iso(c.createdAt), updated_at: iso(c.updatedAt),
  };
}

export function routeView(r: SmsRouteRecord) {
  return { id: r.id, prefix: r.prefix, connector_id: r.connectorId, account_ids: r.accountIds, created_at: iso(r.createdAt), updated_at: iso(r.updatedAt) };
}
