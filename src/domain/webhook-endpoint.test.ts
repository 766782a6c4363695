import { describe, expect, it } from 'vitest';
import { DISABLED_BY_REQUEST, enablementChange, endpointWants, planDeliveries, signingSecrets } from './webhook-endpoint.js';

describe('the subscription filter', () => {
  it('gives an endpoint subscribed to nothing in particular every type, and one with a list only what it lists', () => {
    expect(endpointWants([], 'message.read')).toBe(true);
    expect(endpointWants(['message.sent'], 'message.sent')).toBe(true);
    expect(endpointWants(['message.sent'], 'message.read')).toBe(false);
  });

  it('plans one delivery per event and wanting endpoint of the event’s own account', () => {
    const endpoints = [
      { id: 'all', accountId: 'a', eventTypes: [] },
      { id: 'sent', accountId: 'a', eventTypes: ['message.sent'] },
      { id: 'other', accountId: 'b', eventTypes: [] },
    ];
    const planned = planDeliveries([{ id: 'e1', accountId: 'a', type: 'message.read' }, { id: 'e2', accountId: 'a', type: 'message.sent' }, { id: 'e3', accountId: 'c', type: 'message.sent' }], endpoints);
    expect(planned).toEqual([
      { eventId: 'e1', endpointId: 'all', accountId: 'a' },
      { eventId: 'e2', endpointId: 'all', accountId: 'a' },
      { eventId: 'e2', endpointId: 'sent', accountId: 'a' },
    ]);
  });
});

describe('switching an endpoint on and off', () => {
  it('fails what is pending when switched off, clears the reason and the streak when switched on, and changes nothing else otherwise', () => {
    expect(enablementChange(false)).toEqual({ disabledReason: DISABLED_BY_REQUEST, clearsFailureStreak: false, failsPendingDeliveries: true });
    expect(enablementChange(true)).toEqual({ disabledReason: null, clearsFailureStreak: true, failsPendingDeliveries: false });
    expect(enablementChange(undefined)).toEqual({ clearsFailureStreak: false, failsPendingDeliveries: false });
  });
});

describe('signingSecrets', () => {
  it('signs with the previous secret as well until its grace period ends', () => {
    const rotated = { current: 'new', previous: 'old', previousUntil: 100 };
    expect(signingSecrets(rotated, 99)).toEqual(['new', 'old']);
    expect(signingSecrets(rotated, 100)).toEqual(['new']);
    expect(signingSecrets({ current: 'only', previous: null, previousUntil: null }, 0)).toEqual(['only']);
  });
});
