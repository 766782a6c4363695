/** The test-send: one signed example post to an endpoint, made at once, recorded as a `test` attempt and answered. */
import { TEST_EVENT_TYPE, webhookTestData } from '../../domain/events.js';
import { newId } from '../../store/ids.js';
import { buildWebhookPost } from './webhook-message.js';
import type { WebhookSender } from './webhook-sender.js';
import type { AttemptRecord, WebhookStore } from '../../store/webhook-store.js';

export async function sendTestWebhook(store: WebhookStore, sender: WebhookSender, endpointId: string, now: () => number): Promise<AttemptRecord | undefined> {
  const at = now();
  const endpoint = await store.getSigningEndpoint(endpointId, at);
  if (!endpoint) return undefined;
  const eventId = newId('evt', at);
  const data = JSON.stringify(webhookTestData(endpointId));
  const result = await sender.post(buildWebhookPost(endpoint.url, endpoint.secrets, { id: eventId, type: TEST_EVENT_TYPE, at, dataJson: data }, at));
  return store.recordTestAttempt({ endpointId, eventId, url: endpoint.url, trigger: 'test', ...result, createdAt: now() });
}
