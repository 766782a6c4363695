import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret } from './sign.js';
import { buildWebhookPost, webhookBody } from './webhook-message.js';

const event = { id: 'evt_01abc', type: 'message.sent', at: Date.parse('2026-06-01T12:00:00.000Z'), dataJson: '{"message_id":"msg_1","wamid":"wamid.X"}' };

describe('webhook message', () => {
  it('is { type, timestamp, data } with the stored data spliced in as it is', () => {
    expect(JSON.parse(webhookBody(event))).toEqual({ type: 'message.sent', timestamp: '2026-06-01T12:00:00.000Z', data: { message_id: 'msg_1', wamid: 'wamid.X' } });
  });

  it('is signed for the attempt time with every valid secret, id = event id, and verifies with standardwebhooks', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = Date.now();
    const message = buildWebhookPost('https://example.com/h', [current, previous], event, now);
    expect(message.headers['webhook-id']).toBe('evt_01abc');
    expect(message.headers['webhook-timestamp']).toBe(String(Math.floor(now / 1000)));
    for (const secret of [current, previous]) expect(new Webhook(secret).verify(message.body, { ...message.headers })).toMatchObject({ type: 'message.sent' });
  });
});
