// The simulator's plumbing as plain data: fault matching with a seed, webhook envelopes, the event heap, scenario parsing.
import { describe, expect, it } from 'vitest';
import { EventHeap } from './event-heap.js';
import { makeFault, makeOutage, outageApplies, pickFault } from './faults.js';
import { seededRandom } from './prng.js';
import { parseScenario } from './scenario.js';
import { buildEnvelope, type WebhookEvent } from './webhook-payload.js';

const facts = { phoneNumberId: 'p1', waId: '15550770001', type: 'template' as const, template: 'promo', now: 100 };

describe('pickFault', () => {
  it.each([
    [{ error: 1 }, true],
    [{ error: 1, match: { to: '1555077.*' } }, true],
    [{ error: 1, match: { to: '+15550770001' } }, true],
    [{ error: 1, match: { to: '1555066.*' } }, false],
    [{ error: 1, match: { type: 'text' as const } }, false],
    [{ error: 1, match: { template: 'promo', phoneNumberId: 'p1' } }, true],
    [{ error: 1, match: { from: 101 } }, false],
    [{ error: 1, match: { until: 100 } }, false],
    [{ error: 1, count: 0 }, false],
    [{ error: 1, probability: 0 }, false],
  ])('%o matches: %s', (input, expected) => {
    expect(pickFault([makeFault(input, 'f')], facts, seededRandom(1)) !== undefined).toBe(expected);
  });

  it('draws the same faults for the same seed', () => {
    const faults = [makeFault({ error: 1, probability: 0.3 }, 'f')];
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => (pickFault(faults, facts, random) ? 1 : 0)).join('');
    };
    expect(draw(9)).toBe(draw(9));
    expect(draw(9)).not.toBe(draw(10));
  });

  it('refuses faults and outages it cannot honour', () => {
    expect(() => makeFault({ error: 1.5 }, 'f')).toThrow();
    expect(() => makeOutage({ status: 404 }, 0)).toThrow(/5xx/);
    const outage = makeOutage({ durationMs: 10, pathPrefix: '/messages' }, 0);
    expect([outageApplies(outage, '/v21.0/1/messages', 5), outageApplies(outage, '/v21.0/1/media', 5), outageApplies(outage, '/v21.0/1/messages', 10)]).toEqual([true, false, false]);
  });
});

describe('buildEnvelope', () => {
  const number = (id: string, waba = 'w1') => ({ wabaId: waba, phoneNumberId: id, displayPhoneNumber: `d${id}` });
  const status = (id: string, n = number('p1')): WebhookEvent => ({ kind: 'status', number: n, status: { id, status: 'sent', timestamp: '1', recipient_id: 'r' } });

  it('puts statuses of one number in one change, numbers in separate changes, businesses in separate entries', () => {
    const env = buildEnvelope([status('a'), status('b'), status('c', number('p2')), status('d', number('p3', 'w2'))]);
    expect(env.entry.map((e) => [e.id, e.changes.map((c) => (c.value.statuses as { id: string }[]).map((s) => s.id))])).toEqual([
      ['w1', [['a', 'b'], ['c']]],
      ['w2', [['d']]],
    ]);
    expect(env.entry[0]!.changes[0]!.value.metadata).toEqual({ display_phone_number: 'dp1', phone_number_id: 'p1' });
  });

  it('keeps inbound messages apart from statuses, with each contact once', () => {
    const inbound = (id: string): WebhookEvent => ({ kind: 'message', number: number('p1'), contact: { profile: { name: 'A' }, wa_id: '1', user_id: 'US.1' }, message: { id } });
    const env = buildEnvelope([inbound('m1'), status('a'), inbound('m2')]);
    expect(env.entry[0]!.changes.map((c) => Object.keys(c.value).sort())).toEqual([
      ['contacts', 'messages', 'messaging_product', 'metadata'],
      ['messaging_product', 'metadata', 'statuses'],
    ]);
    expect(env.entry[0]!.changes[0]!.value.contacts).toHaveLength(1);
  });
});

describe('EventHeap', () => {
  it('pops by due time, and in insertion order for equal times', () => {
    const heap = new EventHeap<string>();
    for (const [due, item] of [[5, 'e'], [1, 'a'], [3, 'c1'], [3, 'c2'], [2, 'b'], [3, 'c3']] as const) heap.push(due, item);
    expect(Array.from({ length: 6 }, () => heap.pop())).toEqual(['a', 'b', 'c1', 'c2', 'c3', 'e']);
    expect(heap.pop()).toBeUndefined();
  });
});

describe('parseScenario', () => {
  it('reads JSON and YAML, and names unknown keys', () => {
    expect(parseScenario('{"contacts":[{"waId":"1"}]}').contacts).toEqual([{ waId: '1' }]);
    expect(parseScenario('contacts:\n  - waId: "1"\n').contacts).toEqual([{ waId: '1' }]);
    expect(() => parseScenario('{"contact":[]}')).toThrow(/unknown key "contact"/);
    expect(() => parseScenario('{"contacts":{}}')).toThrow(/must be a list/);
    expect(() => parseScenario('[1]')).toThrow(/object/);
  });
});

describe('identity webhook fields', () => {
  it('puts a field event in a change of its own, with the number\u2019s metadata', () => {
    const ref = { wabaId: 'w1', phoneNumberId: 'p1', displayPhoneNumber: 'dp1' };
    const env = buildEnvelope([{ kind: 'number_field', number: ref, field: 'user_preferences', value: { user_preferences: [{ value: 'stop' }] } }]);
    expect(env.entry[0]!.changes).toEqual([
      { field: 'user_preferences', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: 'dp1', phone_number_id: 'p1' }, user_preferences: [{ value: 'stop' }] } },
    ]);
  });
});
