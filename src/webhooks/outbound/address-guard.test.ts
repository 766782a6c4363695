import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPrivateAddress } from './address-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['example.com', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('checkWebhookUrl', () => {
  it.each([
    ['https://hooks.example.com/wa', false, true],
    ['http://127.0.0.1:9000/hook', false, false],
    ['http://localhost/hook', false, false],
    ['http://[::1]/hook', false, false],
    ['http://127.0.0.1:9000/hook', true, true],
    ['ftp://example.com/x', true, false],
    ['https://user:pw@example.com/x', true, false],
    ['not a url', true, false],
  ])('%s (private allowed: %s) → ok %s', (raw, allowPrivate, ok) => {
    expect(checkWebhookUrl(raw, allowPrivate).ok).toBe(ok);
  });
});
