import { describe, expect, it } from 'vitest';
import { failureStreaks, replayScope, undeliveredEvents } from './webhook-delivery.js';

describe('failureStreaks', () => {
  it('starts a streak at the first failure, keeps a running one, and lets any success end it, in the order of the batch', () => {
    const streaks = failureStreaks([
      { endpointId: 'down', at: 1, delivered: false },
      { endpointId: 'down', at: 2, delivered: false },
      { endpointId: 'flaky', at: 1, delivered: false },
      { endpointId: 'flaky', at: 2, delivered: true },
      { endpointId: 'back', at: 1, delivered: true },
      { endpointId: 'again', at: 1, delivered: true },
      { endpointId: 'again', at: 3, delivered: false },
      { endpointId: 'again', at: 4, delivered: false },
    ]);
    expect(Object.fromEntries(streaks)).toEqual({
      down: { kind: 'failing', since: 1, startsFresh: false },
      flaky: { kind: 'cleared' },
      back: { kind: 'cleared' },
      again: { kind: 'failing', since: 3, startsFresh: true },
    });
  });
});

describe('replayScope', () => {
  it('sends failed deliveries again, and on a full replay the delivered ones and the events the endpoint never got as well', () => {
    expect(replayScope({ failedOnly: true })).toEqual({ since: 0, until: Number.MAX_SAFE_INTEGER, states: ['failed'], addsMissedEvents: false });
    expect(replayScope({ failedOnly: false, since: 5, until: 9 })).toEqual({ since: 5, until: 9, states: ['failed', 'delivered'], addsMissedEvents: true });
  });
});

describe('undeliveredEvents', () => {
  it('counts events not yet fanned out only for an account with an enabled endpoint', () => {
    expect(undeliveredEvents({ pendingDeliveries: 2, unfannedEvents: 5, hasEnabledEndpoint: true })).toBe(7);
    expect(undeliveredEvents({ pendingDeliveries: 2, unfannedEvents: 5, hasEnabledEndpoint: false })).toBe(2);
  });
});
