import { describe, expect, it } from 'vitest';
import { callCapOf, decideCall } from './call-window.js';

describe('decideCall', () => {
  it('lets calls go while fewer than the cap fall inside the window', () => {
    expect(decideCall([0, 10, 20], 4, 1000, 30)).toEqual({ kind: 'call' });
  });

  it('makes a call wait until the cap-th latest call leaves the window', () => {
    expect(decideCall([0, 10, 20, 30], 4, 1000, 500)).toEqual({ kind: 'wait', until: 1000 });
    expect(decideCall([0, 10, 20, 30], 4, 1000, 1000)).toEqual({ kind: 'call' });
  });

  it('keeps every window of a bunched stream at or under the cap', () => {
    const cap = callCapOf(80, 0.99);
    const calls: number[] = [];
    // Permits arrive in clumps of 20 every 200 ms: 100 a second asked for, against a limit of 80.
    for (let now = 0; now < 5000; now += 1) {
      const asked = now % 200 === 0 ? 20 : 0;
      for (let i = 0; i < asked; i++) if (decideCall(calls, cap, 1000, now).kind === 'call') calls.push(now);
    }
    for (let start = 0; start < 5000; start += 10) expect(calls.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(79);
  });
});

describe('callCapOf', () => {
  it('leaves a share of the limit for jitter, never less than one call', () => {
    expect(callCapOf(1000, 0.99)).toBe(990);
    expect(callCapOf(80, 0.99)).toBe(79);
    expect(callCapOf(0.5, 0.99)).toBe(1);
  });
});
