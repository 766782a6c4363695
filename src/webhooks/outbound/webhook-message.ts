/** The wire form of one event: `{ type, timestamp, data }`, signed with the Standard Webhooks headers, id = event id. */
import { signWebhook } from './sign.js';
import type { WebhookPost } from './webhook-sender.js';

export interface WebhookEventView {
  readonly id: string;
  readonly type: string;
  /** Epoch ms the event happened. */
  readonly at: number;
  /** The event's data as JSON text, spliced in as stored: no parse and re-serialise per attempt. */
  readonly dataJson: string;
}

export function webhookBody(event: WebhookEventView): string {
  return `{"type":${JSON.stringify(event.type)},"timestamp":${JSON.stringify(new Date(event.at).toISOString())},"data":${event.dataJson}}`;
}

/**
 * The signature's timestamp is the attempt's time, not the event's: receivers reject timestamps older than a few
 * minutes (replay protection), and a retry hours later must still verify. The id stays the event's, for dedupe.
 */
export function buildWebhookPost(url: string, secrets: readonly string[], event: WebhookEventView, now: number): WebhookPost {
  const body = webhookBody(event);
  return { url, body, headers: { ...signWebhook(secrets, event.id, Math.floor(now / 1000), body) } };
}
