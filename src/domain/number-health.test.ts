/** Number health rules as tables: account updates, restrictions in preflight, the effective tier and the health answer. */
import { describe, expect, it } from 'vitest';
import { checkRestriction, decideAccountUpdate, decideSendability, effectiveTier, UNKNOWN_HEALTH, type NumberRestriction, type SendabilityFacts } from './number-health.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const code = (d: { kind: string; error?: { entry: { code: number | string } } }) => (d.kind === 'allow' ? 'allow' : d.error!.entry.code);

describe('decideAccountUpdate', () => {
  it.each([
    [{ event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', until: now + 5 }, { type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', until: now + 9 }] },
      { kind: 'restrict', restriction: { event: 'ACCOUNT_RESTRICTION', types: ['RESTRICTED_BIZ_INITIATED_MESSAGING', 'RESTRICTED_ADD_PHONE_NUMBER_ACTION'], until: now + 9 } }],
    [{ event: 'ACCOUNT_RESTRICTION', restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', until: null }, { type: 'X', until: now }] },
      { kind: 'restrict', restriction: { event: 'ACCOUNT_RESTRICTION', types: ['RESTRICTED_BIZ_INITIATED_MESSAGING', 'X'], until: null } }],
    [{ event: 'ACCOUNT_RESTRICTION', restrictions: [] }, { kind: 'lift' }],
    [{ event: 'DISABLED_UPDATE', restrictions: [], banState: 'DISABLE' }, { kind: 'restrict', restriction: expect.objectContaining({ event: 'DISABLED_UPDATE', until: null }) }],
    [{ event: 'DISABLED_UPDATE', restrictions: [], banState: 'REINSTATE' }, { kind: 'lift' }],
    [{ event: 'DISABLED_UPDATE', restrictions: [], banState: 'SCHEDULE_FOR_DISABLE' }, { kind: 'none' }],
    [{ event: 'ACCOUNT_OFFBOARDED', restrictions: [] }, { kind: 'restrict', restriction: expect.objectContaining({ event: 'ACCOUNT_OFFBOARDED' }) }],
    [{ event: 'ACCOUNT_RECONNECTED', restrictions: [] }, { kind: 'lift' }],
    [{ event: 'ACCOUNT_VIOLATION', restrictions: [], violation: 'SPAM' }, { kind: 'violation', violation: 'SPAM' }],
    [{ event: 'VERIFIED_ACCOUNT', restrictions: [] }, { kind: 'none' }],
  ])('%j → %j', (update, effect) => {
    expect(decideAccountUpdate(update)).toEqual(effect);
  });
});

describe('checkRestriction', () => {
  const biz: NumberRestriction = { event: 'ACCOUNT_RESTRICTION', types: ['RESTRICTED_BIZ_INITIATED_MESSAGING'], until: now + 60_000 };
  const all: NumberRestriction = { event: 'ACCOUNT_OFFBOARDED', types: ['RESTRICTED_BIZ_INITIATED_MESSAGING', 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING'], until: null };
  it.each([
    [null, true, 'allow'],
    [biz, true, 'account_restricted'],
    [biz, false, 'allow'],
    [{ ...biz, until: now }, true, 'allow'],
    [all, false, 'account_restricted'],
    [{ ...all, types: ['RESTRICTED_ADD_PHONE_NUMBER_ACTION'] }, true, 'allow'],
  ] as const)('%j, business-initiated %s → %s', (restriction, businessInitiated, expected) => {
    expect(code(checkRestriction(restriction, businessInitiated, now))).toBe(expected);
  });
  it('says until when and how long to wait', () => {
    const decision = checkRestriction(biz, true, now);
    expect(decision.kind === 'refuse' && [decision.error.retryAfterSeconds, decision.error.entry.graphCode]).toEqual([60, 368]);
  });
});

describe('effectiveTier', () => {
  it.each([
    [null, null, undefined],
    [null, 'TIER_250', 250],
    [null, 'TIER_2K', 2000],
    [null, 'TIER_UNLIMITED', undefined],
    [10000, 'TIER_250', 10000],
    [null, 'TIER_SOMETHING_NEW', undefined],
  ])('configured %s, Meta %s → %s', (configured, meta, expected) => {
    expect(effectiveTier(configured, meta)).toBe(expected);
  });
});

describe('decideSendability', () => {
  const healthy: SendabilityFacts = { registration: 'registered', disconnected: false, heldUntil: null, circuitOpen: false, health: UNKNOWN_HEALTH, tier: undefined, uniqueRecipients24h: 0 };
  it('can send with no reason when nothing is wrong', () => {
    expect(decideSendability(healthy, now)).toEqual({ canSend: true, reasons: [] });
  });
  it('lists every reason, in a stable order, and a low quality alone does not stop sending', () => {
    const everything: SendabilityFacts = {
      registration: 'pending', disconnected: true, heldUntil: now + 1000, circuitOpen: true, tier: 250, uniqueRecipients24h: 250,
      health: { qualityRating: 'RED', messagingTier: 'TIER_250', violation: null, restriction: { event: 'ACCOUNT_RESTRICTION', types: ['RESTRICTED_CUSTOMER_INITIATED_MESSAGING'], until: null } },
    };
    const answer = decideSendability(everything, now);
    expect(answer.canSend).toBe(false);
    expect(answer.reasons.map((r) => r.reason)).toEqual(['not_registered', 'restricted', 'disconnected', 'parked', 'circuit_open', 'messaging_limit_reached', 'quality_low']);
    expect(answer.reasons.find((r) => r.reason === 'parked')?.until).toBe(now + 1000);
    const onlyRed = decideSendability({ ...healthy, health: { ...UNKNOWN_HEALTH, qualityRating: 'RED' } }, now);
    expect([onlyRed.canSend, onlyRed.reasons.map((r) => [r.reason, r.blocking])]).toEqual([true, [['quality_low', false]]]);
  });
  it('forgets a hold or restriction that has ended', () => {
    const ended = { ...healthy, heldUntil: now, health: { ...UNKNOWN_HEALTH, restriction: { event: 'ACCOUNT_RESTRICTION', types: ['RESTRICTED_BIZ_INITIATED_MESSAGING'], until: now } } };
    expect(decideSendability(ended, now).reasons).toEqual([]);
  });
});
