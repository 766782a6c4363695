import { describe, expect, it } from 'vitest';
import { answerHandshake, hasValidSignature, signBody } from './verify.js';

describe('answerHandshake', () => {
  it.each([
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '123' }, '123'],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '123' }, undefined],
    [{ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok', 'hub.challenge': '123' }, undefined],
    [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok' }, undefined],
    [{}, undefined],
  ])('%o → %s', (query, answer) => {
    expect(answerHandshake(query, 'tok')).toBe(answer);
  });
});

describe('hasValidSignature', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('accepts the HMAC-SHA256 of the raw body under the app secret', () => {
    // Reference value computed independently: printf '%s' "$body" | openssl dgst -sha256 -hmac secret
    expect(signBody(body, 'secret')).toBe('sha256=56a21e195072d3c07ec2bbf608e0dfeaf322e1917ec30f0cb399c2a43588216e');
    expect(hasValidSignature(body, signBody(body, 'secret'), 'secret')).toBe(true);
  });

  it.each([
    ['another secret', signBody(Buffer.from('{"object":"whatsapp_business_account","entry":[]}'), 'other')],
    ['a changed body', signBody('{"object":"x"}', 'secret')],
    ['no prefix', signBody(Buffer.from('{"object":"whatsapp_business_account","entry":[]}'), 'secret').slice(7)],
    ['a truncated digest', signBody(Buffer.from('{"object":"whatsapp_business_account","entry":[]}'), 'secret').slice(0, 20)],
    ['no header', undefined],
  ])('rejects %s', (_, header) => {
    expect(hasValidSignature(body, header, 'secret')).toBe(false);
  });
});
