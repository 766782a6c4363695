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
    ['198.18.0.1', true],
    ['198.19.255.254', true],
    ['192.0.2.10', true],
    ['198.51.100.7', true],
    ['203.0.113.200', true],
    ['::ffff:198.51.100.7', true],
    ['198.20.0.1', false],
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
    ['http://localhost./hook', false, false],
    ['http://LocalHost../hook', false, false],
    ['http://api.localhost/hook', false, false],
    ['http://127.0.0.1./hook', false, false],
    ['http://198.18.0.1/hook', false, false],
    ['https://203.0.113.9/hook', false, false],
    ['https://localhost.example.com/hook', false, true],
    ['http://127.0.0.1:9000/hook', true, true],
    ['ftp://example.com/x', true, false],
    ['https://user:pw@example.com/x', true, false],
    ['not a url', true, false],
  ])('%s (private allowed: %s) → ok %s', (raw, allowPrivate, ok) => {
    expect(checkWebhookUrl(raw, allowPrivate).ok).toBe(ok);
  });
});
