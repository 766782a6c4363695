/** The time-dependent preflight rules a scheduled message meets again when it is due. */
import { describe, expect, it } from 'vitest';
import type { TemplateRecord } from '../template.js';
import { runDuePreflight, templateOfPayload, type DueFacts } from './due.js';
import { runPreflight } from './preflight.js';
import { SERVICE_WINDOW_MS } from './window.js';
import { validateOutbound } from '../validation/outbound.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const template = { name: 't', language: 'en_US', components: [] };
const record = (status: TemplateRecord['status']): TemplateRecord => ({ wabaId: 'w', name: 't', language: 'en_US', status, category: 'UTILITY', components: [], updatedAt: 0 });
const facts = (patch: Partial<DueFacts>): DueFacts => ({
  to: '4915112345678', type: 'text', template: undefined, optedOutAt: null, lastInboundAt: now - 1, templateRecord: undefined, templatesKnown: false, ...patch,
});
const code = (facts: DueFacts) => {
  const d = runDuePreflight(facts, now);
  return d.kind === 'allow' ? 'allow' : d.error.entry.code;
};

describe('runDuePreflight', () => {
  it.each([
    [{}, 'allow'],
    [{ optedOutAt: now - 5 }, 'recipient_opted_out'],
    [{ lastInboundAt: now - SERVICE_WINDOW_MS }, 'outside_service_window'],
    [{ lastInboundAt: null }, 'outside_service_window'],
    [{ type: 'template' as const, template, lastInboundAt: null, templatesKnown: true, templateRecord: record('approved') }, 'allow'],
    [{ type: 'template' as const, template, lastInboundAt: null, templatesKnown: true, templateRecord: record('rejected') }, 'template_not_approved'],
  ])('%j → %s', (patch, expected) => {
    expect(code(facts(patch))).toBe(expected);
  });
});

describe('templateOfPayload', () => {
  it('reads the template a validated payload names, and nothing from another type', () => {
    const message = validateOutbound({ to: '4915112345678', type: 'template', template: { name: 'hello', language: 'de' } });
    expect(templateOfPayload(message.payload)).toEqual({ name: 'hello', language: 'de', components: [] });
    expect(templateOfPayload(validateOutbound({ to: '4915112345678', text: { body: 'x' } }).payload)).toBeUndefined();
  });
});

describe('runPreflight of a scheduled send', () => {
  it('leaves the window to the check at send time', () => {
    const account = { id: 'a', name: 'a', state: 'active', expiresAt: null, ipAllowList: [], rateLimitPerSecond: null, credit: null, defaultNumberId: null, createdAt: 0, updatedAt: 0 } as const;
    const number = { id: 'n', phoneNumberId: '1', displayPhoneNumber: '+1', wabaId: 'w', accountId: 'a', registration: 'registered', maxMps: 80, hasAccessToken: true, disconnected: false, createdAt: 0, updatedAt: 0 } as const;
    const base = { account, number, message: validateOutbound({ to: '4915112345678', text: { body: 'x' } }), optedOutAt: null, lastInboundAt: null, template: undefined, templatesKnown: false, cost: 0 };
    expect(runPreflight(base, now).kind).toBe('refuse');
    expect(runPreflight({ ...base, scheduled: true }, now).kind).toBe('allow');
  });
});
