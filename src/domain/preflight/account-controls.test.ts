/** The account-control preflight rules as tables: API switch, prepaid expiry, contact check, spam control, messaging limit, blocked paths. */
import { describe, expect, it } from 'vitest';
import { NO_CONTROLS, type Account } from '../account.js';
import type { RuleDecision } from '../decision.js';
import { validateOutbound } from '../validation/outbound.js';
import { checkApiEnabled } from './api-disabled.js';
import { checkBlockedPath, pathMatches } from './blocked-path.js';
import { checkMessagingLimit, MESSAGING_LIMIT_WINDOW_MS } from './messaging-limit.js';
import { runPreflight } from './preflight.js';
import { checkPrepaidExpiry } from './prepaid-expiry.js';
import { checkRecipientOnWhatsApp } from './recipient-on-whatsapp.js';
import { checkSpamControl, spamDay } from './spam-control.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const account: Account = { id: 'acct_1', name: 'a', state: 'active', expiresAt: null, ipAllowList: [], rateLimitPerSecond: null, credit: 10, defaultNumberId: 'num_1', createdAt: 0, updatedAt: 0 };
const code = (d: RuleDecision) => (d.kind === 'allow' ? 'allow' : d.error.entry.code);

describe('checkApiEnabled', () => {
  it.each([[false, 'allow'], [true, 'whatsapp_api_disabled']] as const)('disabled=%s → %s', (disabled, expected) => {
    expect(code(checkApiEnabled({ ...NO_CONTROLS, whatsappApiDisabled: disabled }))).toBe(expected);
  });
});

describe('checkPrepaidExpiry', () => {
  it.each([
    ['no expiry', 10, null, 'allow'],
    ['before expiry', 10, now + 1, 'allow'],
    ['at expiry', 10, now, 'prepaid_expired'],
    ['after expiry, balance left', 10, now - 1, 'prepaid_expired'],
    ['not on prepaid credit', null, now - 1, 'allow'],
  ] as const)('%s → %s', (_n, credit, expiresAt, expected) => {
    expect(code(checkPrepaidExpiry({ ...account, credit }, { ...NO_CONTROLS, prepaidExpiresAt: expiresAt }, now))).toBe(expected);
  });
});

describe('checkRecipientOnWhatsApp', () => {
  it.each([
    [undefined, false, 'allow'],
    ['valid', false, 'allow'],
    ['invalid', false, 'recipient_not_on_whatsapp'],
    ['invalid', true, 'allow'],
  ] as const)('status %s, forced %s → %s', (status, forced, expected) => {
    expect(code(checkRecipientOnWhatsApp('4915112345678', status, forced))).toBe(expected);
  });
});

describe('checkSpamControl', () => {
  it.each([
    [null, 100, false, 'allow'],
    [3, 2, false, 'allow'],
    [3, 3, false, 'spam_control_threshold_exceeded'],
    [3, 3, true, 'allow'],
  ] as const)('threshold %s, %s recipients today, repeat %s → %s', (threshold, recipientsToday, alreadySentTo, expected) => {
    expect(code(checkSpamControl(threshold, { recipientsToday, alreadySentTo }, now))).toBe(expected);
  });
  it('waits until the next UTC midnight', () => {
    const d = checkSpamControl(1, { recipientsToday: 1, alreadySentTo: false }, now);
    expect(d.kind === 'refuse' && d.error.retryAfterSeconds).toBe(12 * 3600);
    expect(spamDay(now)).toBe('2026-06-01');
  });
});

describe('checkMessagingLimit', () => {
  const facts = (uniqueRecipients: number, recipientCounted = false) => ({ uniqueRecipients, recipientCounted, oldestAt: now - 3600_000 });
  it.each([
    ['unlimited', null, true, facts(1e6), 'allow'],
    ['under the tier', 250, true, facts(249), 'allow'],
    ['at the tier', 250, true, facts(250), 'messaging_limit_reached'],
    ['at the tier, recipient already reached', 250, true, facts(250, true), 'allow'],
    ['at the tier, not business-initiated', 250, false, facts(250), 'allow'],
  ] as const)('%s → %s', (_n, tier, businessInitiated, f, expected) => {
    expect(code(checkMessagingLimit(tier, businessInitiated, f, now))).toBe(expected);
  });
  it('says when the oldest send leaves the rolling window', () => {
    const d = checkMessagingLimit(250, true, facts(250), now);
    expect(d.kind === 'refuse' && d.error.retryAfterSeconds).toBe((MESSAGING_LIMIT_WINDOW_MS - 3600_000) / 1000);
  });
});

describe('blocked paths', () => {
  it.each([
    ['/v1/messages', 'POST', '/v1/messages', '/v1/messages', true],
    ['POST /v1/messages', 'GET', '/v1/messages', '/v1/messages', false],
    ['POST /v1/messages', 'POST', '/v1/messages', '/v1/messages?x=1', true],
    ['/v1/media*', 'POST', '/v1/media', '/v1/media', true],
    ['/v1/messages/:id', 'GET', '/v1/messages/:id', '/v1/messages/msg_1', true],
    ['/v1/messages/:id', 'GET', '/v1/messages', '/v1/messages', false],
    ['/v1/templates', 'GET', '/v1/templates/sync', '/v1/templates/sync', false],
    ['GET /v1/credit', 'GET', '/v1/credit', '/v1/%63redit', true],
    ['GET /v1/credit', 'HEAD', '/v1/credit', '/v1/%63redit', true],
    ['POST /v1/templates', 'POST', '/v1/templates', '/v1/%74emplates', true],
    ['/v1/media*', 'POST', '/v1/media', '/v1/%6dedia', true],
    ['GET /v1/messages/msg_1', 'GET', '/v1/messages/:id', '/v1/messages/%6dsg_1', true],
    ['GET /v1/messages/msg_1', 'GET', '/v1/messages/:id', '/v1/messages/msg_2', false],
    ['GET /v1/messages/:id', 'GET', '/v1/messages/:id', '/v1/messages/%zz', true],
  ] as const)('%s matches %s %s (%s): %s', (pattern, method, route, url, expected) => {
    expect(pathMatches(pattern, { method, route, url })).toBe(expected);
  });
  it('refuses with path_blocked', () => {
    expect(code(checkBlockedPath(['/v1/media*'], { method: 'POST', route: '/v1/media', url: '/v1/%6dedia' }))).toBe('path_blocked');
  });
});

describe('runPreflight with controls', () => {
  const number = { id: 'num_1', phoneNumberId: '1', displayPhoneNumber: '+1', wabaId: 'w', accountId: 'acct_1', registration: 'registered' as const, maxMps: 80, hasAccessToken: true, disconnected: false, createdAt: 0, updatedAt: 0 };
  const base = { account, number, message: validateOutbound({ to: '4915112345678', type: 'template', template: { name: 't', language: 'en_US' } }), optedOutAt: null, lastInboundAt: null, template: undefined, templatesKnown: false, cost: 1 };
  it.each([
    [{}, 'allow'],
    [{ controls: { ...NO_CONTROLS, whatsappApiDisabled: true }, account: { ...account, credit: 0 } }, 'whatsapp_api_disabled'],
    [{ controls: { ...NO_CONTROLS, prepaidExpiresAt: now }, account: { ...account, credit: 0 } }, 'prepaid_expired'],
    [{ recipientStatus: 'invalid' as const, optedOutAt: now }, 'recipient_opted_out'],
    [{ recipientStatus: 'invalid' as const }, 'recipient_not_on_whatsapp'],
  ])('%j → %s', (patch, expected) => {
    expect(code(runPreflight({ ...base, ...patch }, now))).toBe(expected);
  });
});
