/** Maps rows of webhook endpoints, deliveries (with their events) and attempts to the webhook port's records. */
import { sql, type Selectable } from 'kysely';
import type { EventType } from '../../domain/events.js';
import type { AttemptRecord, DeliveryTask, EndpointRecord } from '../webhook-store.js';
import type { WebhookAttemptsTable, WebhookEndpointsTable } from './schema.js';

/** A literal, not a parameter: the planners use the partial indexes of pending deliveries only when a query spells it. */
export const PENDING_DELIVERY = sql.lit('pending');

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;
export interface TaskRow {
  id: string; event_id: string; endpoint_id: string; account_id: string; attempts: number; manual: number; type: string;
  payload: string; event_at: number;
}

export function toEndpoint(row: EndpointRow): EndpointRecord {
  return {
    id: row.id, accountId: row.account_id, url: row.url, description: row.description,
    eventTypes: JSON.parse(row.event_types) as EventType[], enabled: row.enabled === 1, disabledReason: row.disabled_reason,
    rateLimitPerSecond: row.rate_limit_per_second, failingSince: row.failing_since, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

export function toTask(row: TaskRow): DeliveryTask {
  return {
    deliveryId: row.id, eventId: row.event_id, endpointId: row.endpoint_id, accountId: row.account_id, eventType: row.type as EventType,
    eventAt: row.event_at, data: row.payload, attempts: row.attempts, trigger: row.manual === 1 ? 'manual' : 'scheduled',
  };
}

export function toAttempt(row: AttemptRow): AttemptRecord {
  const outcome = row.outcome === 'status' ? { kind: 'status' as const, status: row.status_code ?? 0 } : { kind: row.outcome as 'delivered' | 'timeout' | 'network' };
  return {
    id: row.id, endpointId: row.endpoint_id, deliveryId: row.delivery_id, eventId: row.event_id, url: row.url,
    trigger: row.trigger as AttemptRecord['trigger'], outcome, statusCode: row.status_code, durationMs: row.duration_ms,
    excerpt: row.response_excerpt, nextAttemptAt: row.next_attempt_at, createdAt: row.created_at,
  };
}
