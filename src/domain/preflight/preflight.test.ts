/** Preflight rules as tables: window, opt-out, registration, credit, templates and their parameters. */
import { describe, expect, it } from 'vitest';
import type { Account } from '../account.js';
import type { TemplateRef } from '../message.js';
import type { PhoneNumber } from '../phone-number.js';
import type { TemplateRecord } from '../template.js';
import { validateOutbound } from '../validation/outbound.js';
import { runPreflight, type PreflightFacts } from './preflight.js';
import { checkTemplate } from './template.js';
import { checkWindow, SERVICE_WINDOW_MS } from './window.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const account: Account = { id: 'acct_1', name: 'a', state: 'active', expiresAt: null, ipAllowList: [], rateLimitPerSecond: null, credit: null, defaultNumberId: 'num_1', createdAt: 0, updatedAt: 0 };
const number: PhoneNumber = { id: 'num_1', phoneNumberId: '1', displayPhoneNumber: '+1', wabaId: 'w', accountId: 'acct_1', registration: 'registered', maxMps: 80, hasAccessToken: true, disconnected: false, createdAt: 0, updatedAt: 0 };
const code = (d: { kind: string; error?: { entry: { code: number | string } } } | undefined) => (d === undefined || d.kind === 'allow' ? 'allow' : d.error!.entry.code);

describe('checkWindow', () => {
  it.each([
    ['text', null, 'outside_service_window'],
    ['text', now - 1000, 'allow'],
    ['image', now - SERVICE_WINDOW_MS + 1, 'allow'],
    ['text', now - SERVICE_WINDOW_MS, 'outside_service_window'],
    ['reaction', null, 'outside_service_window'],
    ['template', null, 'allow'],
  ] as const)('%s, last inbound %s → %s', (type, last, expected) => {
    expect(code(checkWindow(type, last, now))).toBe(expected);
  });
});

describe('runPreflight', () => {
  const facts = (patch: Partial<PreflightFacts>): PreflightFacts => ({
    account, number, message: validateOutbound({ to: '4915112345678', text: { body: 'x' } }), optedOutAt: null, lastInboundAt: now - 1,
    template: undefined, templatesKnown: false, cost: 1, ...patch,
  });
  it.each([
    [{}, 'allow'],
    [{ account: { ...account, credit: 0 } }, 'insufficient_credit'],
    [{ account: { ...account, credit: 1 } }, 'allow'],
    [{ number: { ...number, registration: 'unregistered' as const } }, 'phone_number_not_registered'],
    [{ number: { ...number, health: { qualityRating: null, messagingTier: null, violation: null, restriction: { event: 'ACCOUNT_OFFBOARDED', types: ['RESTRICTED_CUSTOMER_INITIATED_MESSAGING'], until: null } } } }, 'account_restricted'],
    [{ optedOutAt: now - 5 }, 'recipient_opted_out'],
    [{ lastInboundAt: null }, 'outside_service_window'],
    [{ optedOutAt: now, lastInboundAt: null }, 'recipient_opted_out'],
    [{ number: { ...number, displayPhoneNumber: '+49 151 1234-5678' } }, 131021],
    [{ number: { ...number, displayPhoneNumber: '+49 151 1234-5679' } }, 'allow'],
    [{ blockedAt: now - 5 }, 130403],
    [{ blockedAt: null }, 'allow'],
    [{ optedOutAt: now, blockedAt: now }, 'recipient_opted_out'],
  ])('%j → %s', (patch, expected) => {
    expect(code(runPreflight(facts(patch), now))).toBe(expected);
  });

  const templated = (category: string, marketingStoppedAt: number | null): PreflightFacts =>
    facts({
      message: validateOutbound({ to: 'US.13491208655302741918', type: 'template', template: { name: 'promo', language: 'en' } }),
      template: { wabaId: 'w', name: 'promo', language: 'en', status: 'approved', category, components: [], updatedAt: 0 },
      templatesKnown: true, lastInboundAt: null, marketingStoppedAt,
    });
  it.each([
    ['MARKETING', now - 5, 131050],
    ['MARKETING', null, 'allow'],
    ['UTILITY', now - 5, 'allow'],
  ] as const)('a %s template to a contact who stopped marketing at %s → %s', (category, stoppedAt, expected) => {
    expect(code(runPreflight(templated(category, stoppedAt), now))).toBe(expected);
  });
});

describe('checkTemplate', () => {
  const record = (patch: Partial<TemplateRecord>): TemplateRecord => ({
    wabaId: 'w', name: 't', language: 'en_US', status: 'approved', category: 'UTILITY', updatedAt: 0,
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
      { type: 'BODY', text: 'Hi {{name}}, {{order}} ships.' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', url: 'https://x.test/{{1}}' }] },
    ],
    ...patch,
  });
  const text = (...t: string[]) => t.map((x) => ({ type: 'text', text: x }));
  const ref = (components: Record<string, unknown>[]): TemplateRef => ({ name: 't', language: 'en_US', components });
  const full = [
    { type: 'header', parameters: text('1') },
    { type: 'body', parameters: text('Ada', '#1') },
    { type: 'button', sub_type: 'url', index: '0', parameters: text('abc') },
  ];
  it.each([
    ['all parameters right', ref(full), record({}), 'allow'],
    ['no sync yet', ref([]), undefined, 'allow-unsynced'],
    ['unknown', ref(full), undefined, 132001],
    ['pending', ref(full), record({ status: 'pending' }), 'template_not_approved'],
    ['rejected', ref(full), record({ status: 'rejected' }), 'template_not_approved'],
    ['paused', ref(full), record({ status: 'paused' }), 132015],
    ['disabled', ref(full), record({ status: 'disabled' }), 132016],
    ['header count', ref([{ type: 'body', parameters: text('a', 'b') }]), record({}), 132000],
    ['body count', ref([full[0]!, { type: 'body', parameters: text('a', 'b', 'c') }]), record({}), 132000],
    ['button missing', ref([full[0]!, full[1]!]), record({}), 132000],
    ['format', ref([full[0]!, { type: 'body', parameters: [{ type: 'image', image: { link: 'x' } }, ...text('b')] }, full[2]!]), record({}), 132012],
    ['tab in parameter', ref([full[0]!, { type: 'body', parameters: text('a\tb', 'c') }, full[2]!]), record({}), 132018],
    ['five spaces', ref([full[0]!, { type: 'body', parameters: text('a     b', 'c') }, full[2]!]), record({}), 132018],
    ['header too long', ref([{ type: 'header', parameters: text('x'.repeat(60)) }, full[1]!, full[2]!]), record({}), 132005],
  ] as const)('%s', (_name, r, known, expected) => {
    const d = checkTemplate(r, known, expected !== 'allow-unsynced');
    expect(code(d)).toBe(expected === 'allow-unsynced' ? 'allow' : expected);
  });
});
