import { describe, expect, it } from 'vitest';
import { planSms, type SmsRules } from './sms-plan.js';

const RULES: SmsRules = {
  routes: [{ id: 'r_de', prefix: '49', connectorId: 'smsc_a', accountIds: null }, { id: 'r_uk', prefix: '44', connectorId: 'smsc_b', accountIds: ['acct_b'] }],
  allowedSenderIds: ['Acme', '4915100000000'],
  maxSegments: 2,
  pricePerSegment: 3,
};
const request = { accountId: 'acct_a', from: 'Acme', to: '4915112345678', text: 'Hello' };

describe('planSms', () => {
  it('plans an allowed send: sender, route, segments and price', () => {
    const d = planSms({ ...request, text: 'x'.repeat(200) }, RULES);
    expect(d.kind === 'allow' && [d.plan.sender, d.plan.route.id, d.plan.segmentation.segments.length, d.plan.price])
      .toEqual([{ kind: 'alphanumeric', value: 'Acme' }, 'r_de', 2, 6]);
  });

  it.each([
    ['a malformed text sender (13)', { from: 'Acme Corporation' }, 'invalid_alphanumeric_sender'],
    ['a malformed number sender (12)', { from: '0049151' }, 'invalid_sender'],
    ['a sender the account may not use (12)', { from: 'Other' }, 'invalid_sender'],
    ['no route (10)', { to: '15551234567' }, 'could_not_route'],
    ['a route of other accounts (14)', { to: '447700900123' }, 'route_not_allowed'],
    ['too many segments', { text: 'x'.repeat(307) }, 'sms_too_many_segments'],
    ['the sender before the route', { from: 'Other', to: '15551234567' }, 'invalid_sender'],
  ] as const)('refuses %s', (_, change, code) => {
    const d = planSms({ ...request, ...change }, RULES);
    expect(d.kind === 'refuse' && d.error.entry.code).toBe(code);
  });
});
