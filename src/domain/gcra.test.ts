import { describe, expect, it } from 'vitest';
import { paceOf, takePermit } from './gcra.js';

function grantsWithin(perSecond: number, burst: number, windowMs: number, stepMs: number): number[] {
  const pace = paceOf(perSecond, burst);
  let tat = 0;
  const granted: number[] = [];
  for (let now = 0; now < windowMs; now += stepMs) {
    for (;;) {
      const decision = takePermit(pace, tat, now);
      if (!decision.granted) break;
      tat = decision.tat;
      granted.push(now);
    }
  }
  return granted;
}

describe('takePermit', () => {
  it('grants the burst at once, then one permit per interval', () => {
    const pace = paceOf(10, 3);
    let tat = 0;
    const results = [0, 0, 0, 0, 50, 100].map((now) => {
      const d = takePermit(pace, tat, now);
      if (d.granted) tat = d.tat;
      return d.granted ? 'ok' : `wait until ${d.retryAt}`;
    });
    expect(results).toEqual(['ok', 'ok', 'ok', 'wait until 100', 'wait until 100', 'ok']);
  });

  it('never grants more than rate × window + burst in any window', () => {
    const granted = grantsWithin(1000, 5, 5000, 1);
    for (let start = 0; start + 1000 <= 5000; start += 250) {
      const inWindow = granted.filter((t) => t >= start && t < start + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(1000 + 5);
    }
    expect(granted.length).toBeGreaterThanOrEqual(4999);
  });

  it('spaces a recipient pair at one message per 6 s after its burst', () => {
    const granted = grantsWithin(1 / 6, 2, 30_000, 100);
    expect(granted).toEqual([0, 0, 6000, 12_000, 18_000, 24_000]);
  });
});
