import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook } from './sign.js';

describe('signWebhook', () => {
  const body = JSON.stringify({ type: 'message.sent', data: { id: 'msg_1' } });
  const now = Math.floor(Date.now() / 1000);

  it('produces headers the standardwebhooks library verifies', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook([secret], 'evt_1', now, body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('signs with every live secret so either one verifies during rotation', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signWebhook([newSecret, oldSecret], 'evt_2', now, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
  });

  it('fails verification for another secret or a changed body', () => {
    const headers = signWebhook([generateWebhookSecret()], 'evt_3', now, body);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
    const secret = generateWebhookSecret();
    expect(() => new Webhook(secret).verify(`${body} `, { ...signWebhook([secret], 'evt_3', now, body) })).toThrow();
  });
});
