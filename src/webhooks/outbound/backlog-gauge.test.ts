import { describe, expect, it } from 'vitest';
import { BacklogGauge } from './backlog-gauge.js';

function gauge(cap: number, counts: number[]) {
  let now = 0;
  const asked: number[] = [];
  const g = new BacklogGauge({ countBacklog: async (_id, atMost) => (asked.push(atMost ?? -1), counts.shift() ?? 0) }, cap, () => now);
  return { g, asked, advance: (ms: number) => void (now += ms) };
}

describe('BacklogGauge', () => {
  it('counts up to the cap only, and caches a count far from the cap for long', async () => {
    const { g, asked, advance } = gauge(100_000, [10, 20]);
    expect(await g.read('acct_a')).toEqual({ undelivered: 10, cap: 100_000 });
    expect(asked).toEqual([100_000]);
    advance(4_900);
    expect((await g.read('acct_a')).undelivered).toBe(10);
    advance(200);
    expect((await g.read('acct_a')).undelivered).toBe(20);
  });

  it('counts an account near its cap again soon, and each account on its own', async () => {
    const { g, asked, advance } = gauge(100_000, [99_990, 5, 100_000]);
    await g.read('acct_a');
    await g.read('acct_b');
    advance(250);
    expect(await g.read('acct_a')).toEqual({ undelivered: 100_000, cap: 100_000 });
    expect(asked).toHaveLength(3);
  });
});
