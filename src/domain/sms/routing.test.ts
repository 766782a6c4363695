import { describe, expect, it } from 'vitest';
import { chooseRoute, isRoutePrefix, type SmsRoute } from './routing.js';

const route = (id: string, prefix: string, accountIds: string[] | null = null): SmsRoute => ({ id, prefix, connectorId: `smsc_${id}`, accountIds });

describe('chooseRoute', () => {
  const routes = [route('de', '49'), route('de-mobile', '4915'), route('uk', '44', ['acct_b']), route('default', '')];
  it.each([
    ['the longest prefix wins', '4915112345678', 'acct_a', 'de-mobile'],
    ['a shorter prefix when the longer does not match', '4930123456', 'acct_a', 'de'],
    ['a leading + is tolerated', '+4915112345678', 'acct_a', 'de-mobile'],
    ['the default route for everything else', '15551234567', 'acct_a', 'default'],
    ['a restricted route for its account', '447700900123', 'acct_b', 'uk'],
    ['a restricted route for another account → seed code 14', '447700900123', 'acct_a', 'route_not_allowed'],
  ] as const)('%s', (_, to, account, expected) => {
    const d = chooseRoute(routes, to, account);
    expect(d.kind === 'allow' ? d.route.id : d.error.entry.code).toBe(expected);
  });

  it('answers could_not_route (seed code 10) without a matching or default route', () => {
    const d = chooseRoute([route('de', '49')], '15551234567', 'acct_a');
    expect(d.kind === 'refuse' && d.error.entry.code).toBe('could_not_route');
    expect(d.kind === 'refuse' && d.error.entry.aliases.some((a) => a.source === 'smsrest' && a.code === '10')).toBe(true);
  });

  it('route_not_allowed carries seed code 14', () => {
    const d = chooseRoute([route('uk', '44', [])], '447700900123', 'acct_a');
    expect(d.kind === 'refuse' && d.error.entry.aliases.some((a) => a.source === 'smsrest' && a.code === '14')).toBe(true);
  });
});

describe('isRoutePrefix', () => {
  it.each([['', true], ['49', true], ['1'.repeat(15), true], ['1'.repeat(16), false], ['+49', false], ['4a', false]] as const)('%j → %s', (p, ok) => {
    expect(isRoutePrefix(p)).toBe(ok);
  });
});
