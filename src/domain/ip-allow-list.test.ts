/** Allow-list matching across address families and prefix lengths. */
import { describe, expect, it } from 'vitest';
import { ipAllowed, isValidAllowEntry } from './ip-allow-list.js';

describe('ipAllowed', () => {
  it.each([
    [[], '203.0.113.9', true],
    [['203.0.113.9'], '203.0.113.9', true],
    [['203.0.113.9'], '203.0.113.10', false],
    [['203.0.113.0/24'], '203.0.113.200', true],
    [['203.0.113.0/24'], '203.0.114.1', false],
    [['127.0.0.1'], '::ffff:127.0.0.1', true],
    [['::1'], '::1', true],
    [['2001:db8::/32'], '2001:db8:1::5', true],
    [['2001:db8::/32'], '2001:db9::5', false],
    [['10.0.0.0/8'], 'not-an-ip', false],
  ] as const)('%j allows %s: %s', (list, ip, expected) => {
    expect(ipAllowed(list, ip)).toBe(expected);
  });

  it('validates entries', () => {
    expect(isValidAllowEntry('10.0.0.0/8')).toBe(true);
    expect(isValidAllowEntry('10.0.0.0/33')).toBe(false);
    expect(isValidAllowEntry('fe80::1/64')).toBe(true);
    expect(isValidAllowEntry('example.com')).toBe(false);
  });
});
