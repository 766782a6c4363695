/** Sender choice: explicit number, default number, and numbers of other accounts. */
import { describe, expect, it } from 'vitest';
import type { Account } from './account.js';
import { chooseSender, type PhoneNumber } from './phone-number.js';

const account: Account = {
  id: 'acct_a', name: 'a', state: 'active', expiresAt: null, ipAllowList: [], rateLimitPerSecond: null, credit: null,
  defaultNumberId: 'num_a', createdAt: 0, updatedAt: 0,
};
const mine: PhoneNumber = {
  id: 'num_a', phoneNumberId: '100', displayPhoneNumber: '+1 555', wabaId: 'w', accountId: 'acct_a', registration: 'registered',
  maxMps: 80, hasAccessToken: true, disconnected: false, createdAt: 0, updatedAt: 0,
};
const theirs: PhoneNumber = { ...mine, id: 'num_b', phoneNumberId: '200', accountId: 'acct_b' };

describe('chooseSender', () => {
  it.each([
    ['100', mine, 'use'],
    ['200', theirs, 'phone_number_not_authorized'],
    ['300', undefined, 'phone_number_not_authorized'],
    [undefined, mine, 'use'],
  ] as const)('requested %s → %s', (requested, found, expected) => {
    const d = chooseSender(account, requested, found);
    expect(d.kind === 'use' ? 'use' : d.error.entry.code).toBe(expected);
  });

  it('refuses to route without a default', () => {
    const d = chooseSender({ ...account, defaultNumberId: null }, undefined, undefined);
    expect(d.kind === 'refuse' && d.error.entry.code).toBe('could_not_route');
  });
});
