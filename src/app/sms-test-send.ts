/**
 * An operator's test SMS: the send rules (sender id, route, segments) applied to the account, then one submit through
 * the routed connector of this process. It proves a connector and route end to end; customers' SMS go through the
 * message API once the channel joins it.
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import { planSms, type SmsRequest } from '../domain/sms/sms-plan.js';
import type { SmsEncoding } from '../domain/sms/segments.js';
import type { ConnectorPool } from '../sms/connector-pool.js';
import type { SmsStore } from '../store/sms-store.js';

export interface TestSendResult {
  readonly routeId: string;
  readonly connectorId: string;
  readonly encoding: SmsEncoding;
  readonly segments: number;
  readonly smscMessageIds: readonly string[];
}

export async function sendTestSms(
  deps: { readonly store: SmsStore; readonly pool: Pick<ConnectorPool, 'connector'> | undefined; readonly maxSegments: number },
  request: SmsRequest,
): Promise<TestSendResult> {
  const [routes, allowedSenderIds] = await Promise.all([deps.store.listRoutes(), deps.store.listSenderIds(request.accountId)]);
  const decision = planSms(request, { routes, allowedSenderIds, maxSegments: deps.maxSegments, pricePerSegment: 1 });
  if (decision.kind === 'refuse') throw decision.error;
  const { plan } = decision;
  const connector = deps.pool?.connector(plan.route.connectorId);
  if (connector === undefined) {
    throw gatewayError('smsc_unavailable', { detail: `Connector ${plan.route.connectorId} does not run in this process (disabled, or this process runs no background work).` });
  }
  const submitted = await connector.submit({ from: plan.sender, to: request.to, segmentation: plan.segmentation });
  return {
    routeId: plan.route.id, connectorId: plan.route.connectorId, encoding: plan.segmentation.encoding,
    segments: plan.segmentation.segments.length, smscMessageIds: submitted.smscMessageIds,
  };
}
