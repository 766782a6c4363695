/** Account access: state, expiry date and allow-list, in the order a caller meets them. */
import { describe, expect, it } from 'vitest';
import { checkAccountAccess, type Account } from './account.js';

const base: Account = {
  id: 'acct_1',
  name: 'a',
  state: 'active',
  expiresAt: null,
  ipAllowList: [],
  rateLimitPerSecond: null,
  credit: null,
  defaultNumberId: null,
  createdAt: 0,
  updatedAt: 0,
};
const now = Date.parse('2026-01-01T00:00:00Z');

describe('checkAccountAccess', () => {
  it.each([
    [{}, 'allow'],
    [{ state: 'disabled' }, 'account_disabled'],
    [{ expiresAt: now }, 'account_expired'],
    [{ expiresAt: now + 1 }, 'allow'],
    [{ ipAllowList: ['10.0.0.0/8'] }, 'ip_not_allowed'],
    [{ ipAllowList: ['127.0.0.1'] }, 'allow'],
    [{ state: 'disabled', expiresAt: 0 }, 'account_disabled'],
  ] as const)('%j → %s', (patch, expected) => {
    const d = checkAccountAccess({ ...base, ...patch }, { now, ip: '127.0.0.1' });
    expect(d.kind === 'allow' ? 'allow' : d.error.entry.code).toBe(expected);
  });
});
