// Table tests for the time-driven rules: throughput (130429), pair rate (131056), window (131047), call windows (4, 80007).
import { describe, expect, it } from 'vitest';
import { countCall, HOUR_MS, type CallWindow } from './call-window.js';
import { checkPairRate, META_PAIR_RATE } from './pair-rate.js';
import { checkThroughput, effectiveMps } from './throughput.js';
import { checkWindow, WINDOW_MS } from './window.js';

function run<T extends { outcome: { kind: string }; tat: number }>(times: number[], step: (tat: number, now: number) => T): string[] {
  let tat = 0;
  return times.map((now) => {
    const r = step(tat, now);
    tat = r.tat;
    return r.outcome.kind;
  });
}

describe('throughput', () => {
  it.each([
    [{}, 80],
    [{ throughputMps: 1000 }, 1000],
    [{ throughputMps: 5000 }, 1000],
    [{ throughputMps: 1000, coexistence: true }, 20],
  ])('%o → %i mps', (number, mps) => expect(effectiveMps(number)).toBe(mps));

  it('allows one second of messages at once, then refills at the rate', () => {
    const times = [0, 0, 0, 0, 334, 500];
    expect(run(times, (b, now) => checkThroughput(b, now, 3))).toEqual(['pass', 'pass', 'pass', 'reject', 'pass', 'reject']);
  });
});

describe('pair rate', () => {
  it('allows Meta’s burst of 45, then one per 6 s', () => {
    const burst = Array.from({ length: 46 }, () => 0);
    const outcomes = run([...burst, 5_999, 6_000], (b, now) => checkPairRate(b, now, META_PAIR_RATE));
    expect(outcomes.filter((o) => o === 'pass')).toHaveLength(46);
    expect(outcomes.slice(44)).toEqual(['pass', 'reject', 'reject', 'pass']);
  });
});

describe('customer service window', () => {
  it.each([
    { type: 'text', last: undefined, now: 0, kind: 'reject' },
    { type: 'text', last: 0, now: WINDOW_MS - 1, kind: 'pass' },
    { type: 'image', last: 0, now: WINDOW_MS, kind: 'reject' },
    { type: 'template', last: undefined, now: 0, kind: 'pass' },
  ] as const)('$type, last inbound $last, now $now → $kind', ({ type, last, now, kind }) => {
    expect(checkWindow(type, last, now).kind).toBe(kind);
  });
});

describe('call windows', () => {
  it('count calls per fixed hour and answer the given code over the limit', () => {
    let w: CallWindow | undefined;
    const outcomes = [0, 1, 2, HOUR_MS].map((now) => {
      const r = countCall(w, now, 2, 80007);
      w = r.window;
      return r.outcome.kind === 'reject' ? r.outcome.code : 'pass';
    });
    expect(outcomes).toEqual(['pass', 'pass', 80007, 'pass']);
  });
});
