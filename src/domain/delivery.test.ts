/** Delivery control's pure rules: bounds of send_at and validity, the fields read from a send, rank order, expiry. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../catalog/switchboard-error.js';
import {
  DEFAULT_DELIVERY_BOUNDS as BOUNDS, DEFAULT_DELIVERY_DEFAULTS as DEFAULTS, PRIORITIES, checkSendAt, echoFields, hasExpired, mayBeWithUpstream,
  rankOf, readDeliveryOptions, type Priority,
} from './delivery.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof SwitchboardError) return `${String(error.entry.code)}@${error.field ?? ''}`;
    throw error;
  }
}

describe('checkSendAt', () => {
  it('takes a time within the horizon, treats one within the skew as now, and refuses the rest', () => {
    expect(checkSendAt(null, now, BOUNDS)).toBeNull();
    expect(checkSendAt(now + 60_000, now, BOUNDS)).toBe(now + 60_000);
    expect(checkSendAt(now - BOUNDS.skewMs, now, BOUNDS)).toBeNull();
    expect(checkSendAt(now + BOUNDS.horizonMs, now, BOUNDS)).toBe(now + BOUNDS.horizonMs);
    expect(codeOf(() => checkSendAt(now - BOUNDS.skewMs - 1, now, BOUNDS))).toBe('send_at_out_of_range@send_at');
    expect(codeOf(() => checkSendAt(now + BOUNDS.horizonMs + 1, now, BOUNDS))).toBe('send_at_out_of_range@send_at');
  });
});

describe('readDeliveryOptions', () => {
  it('answers the defaults for a send that says nothing', () => {
    expect(readDeliveryOptions({ to: '1' }, now, DEFAULTS)).toEqual({ sendAt: null, expiresAt: null, priority: 'normal', clientRef: null, metadata: null });
  });

  it('reads every field, counting validity from send_at', () => {
    const body = { send_at: iso(now + 3_600_000), validity_seconds: 300, priority: 'high', client_ref: 'r-1', metadata: { a: 1 } };
    expect(readDeliveryOptions(body, now, DEFAULTS)).toEqual({
      sendAt: now + 3_600_000, expiresAt: now + 3_900_000, priority: 'high', clientRef: 'r-1', metadata: { a: 1 },
    });
    // An offset other than Z, and null for a field left unset.
    expect(readDeliveryOptions({ expires_at: '2026-06-01T13:05:00+01:00', validity_seconds: null }, now, DEFAULTS).expiresAt).toBe(now + 300_000);
  });

  it('takes an account default validity and priority, and Meta\u2019s callback data as the reference', () => {
    const options = readDeliveryOptions({ biz_opaque_callback_data: 'cb' }, now, { priority: 'bulk', validitySeconds: 60 });
    expect(options).toMatchObject({ priority: 'bulk', expiresAt: now + 60_000, clientRef: 'cb' });
  });

  it.each([
    [{ send_at: '2026-06-02' }, 'invalid_request@send_at'],
    [{ send_at: 12 }, 'invalid_request@send_at'],
    [{ send_at: iso(now - 3_600_000) }, 'send_at_out_of_range@send_at'],
    [{ validity_seconds: 0 }, 'validity_out_of_range@validity_seconds'],
    [{ validity_seconds: 1.5 }, 'invalid_request@validity_seconds'],
    [{ validity_seconds: BOUNDS.maxValiditySeconds + 1 }, 'validity_out_of_range@validity_seconds'],
    [{ expires_at: iso(now - 1) }, 'validity_out_of_range@expires_at'],
    [{ send_at: iso(now + 600_000), expires_at: iso(now + 300_000) }, 'validity_out_of_range@expires_at'],
    [{ expires_at: iso(now + 600_000), validity_seconds: 60 }, 'invalid_request@expires_at'],
    [{ priority: 'urgent' }, 'invalid_request@priority'],
    [{ client_ref: '' }, 'invalid_request@client_ref'],
    [{ client_ref: 'x'.repeat(513) }, 'invalid_request@client_ref'],
    [{ metadata: [1] }, 'invalid_request@metadata'],
    [{ metadata: { blob: 'x'.repeat(BOUNDS.metadataMaxBytes) } }, 'metadata_too_large@metadata'],
  ])('refuses %j with %s', (body, expected) => {
    expect(codeOf(() => readDeliveryOptions(body, now, DEFAULTS))).toBe(expected);
  });

  it('names the field inside a batch item', () => {
    expect(codeOf(() => readDeliveryOptions({ priority: 1 }, now, DEFAULTS, BOUNDS, 'messages[2]'))).toBe('invalid_request@messages[2].priority');
  });
});

describe('rankOf', () => {
  it('orders due jobs by lane, and lets a lower lane that waited past the handicap difference go first', () => {
    expect(rankOf(now, 'high')).toBeLessThan(rankOf(now - 1, 'normal'));
    expect(rankOf(now, 'normal')).toBeLessThan(rankOf(now - 1, 'bulk'));
    expect(rankOf(now - 300_001, 'bulk')).toBeLessThan(rankOf(now, 'high'));
  });

  it('never lets a job be overtaken by one of its own lane or a lower one that became due later', () => {
    const lane = fc.constantFrom<Priority>(...PRIORITIES);
    fc.assert(fc.property(lane, lane, fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (a, b, dueA, later) => {
      if (PRIORITIES.indexOf(b) >= PRIORITIES.indexOf(a)) expect(rankOf(dueA, a)).toBeLessThan(rankOf(dueA + later, b));
    }));
  });
});

describe('hasExpired and mayBeWithUpstream', () => {
  it('expires at the expiry time, never without one', () => {
    expect(hasExpired(null, now)).toBe(false);
    expect(hasExpired(now + 1, now)).toBe(false);
    expect(hasExpired(now, now)).toBe(true);
  });

  it('holds back a message whose last call went unanswered, and no other', () => {
    expect(mayBeWithUpstream(null)).toBe(false);
    expect(mayBeWithUpstream({ namespace: 'gateway', code: 'upstream_outcome_unknown' })).toBe(true);
    expect(mayBeWithUpstream({ namespace: 'gateway', code: 'upstream_unavailable' })).toBe(false);
    expect(mayBeWithUpstream({ namespace: 'nowhere', code: 1 })).toBe(false);
  });
});

describe('echoFields', () => {
  it('echoes only what the caller gave', () => {
    expect(echoFields(undefined)).toEqual({});
    expect(echoFields({ clientRef: null, metadata: null })).toEqual({});
    expect(echoFields({ clientRef: 'r', metadata: { a: 1 } })).toEqual({ client_ref: 'r', metadata: { a: 1 } });
  });
});
