import { describe, expect, it } from 'vitest';
import { CallWindows, DEFAULT_RATE_PERMIT_CONFIG, RatePermits } from './rate-permit.js';

function sendFor(permits: RatePermits, perSecond: number, ms: number, recipients: number, numberId = 'num_1'): number[] {
  const sent: number[] = [];
  let i = 0;
  for (let now = 0; now < ms; now += 1) {
    for (;;) {
      if (!permits.take(numberId, perSecond, `r${i % recipients}`, now).granted) break;
      sent.push(now);
      i++;
    }
  }
  return sent;
}

describe('RatePermits', () => {
  it.each([
    [1000, 0.95],
    [80, 0.93],
    [20, 0.9],
  ])('keeps a %i msg/s number at or under its rate in every second, and above %d of it on average', (rate, share) => {
    const sent = sendFor(new RatePermits(), rate, 10_000, 100_000);
    for (let start = 0; start + 1000 <= 10_000; start += 50) {
      expect(sent.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(rate);
    }
    expect(sent.length / 10).toBeGreaterThanOrEqual(rate * share);
  });

  it('lets a loop that wakes late catch up with a burst, within the rate', () => {
    const permits = new RatePermits();
    let sent = 0;
    // The burst (35 % of the 4 % headroom: 14 at 1,000 msg/s) covers wake-ups up to ~14 ms apart.
    for (let now = 0; now < 10_000; now += 12) while (permits.take('num_1', 1000, `r${sent}`, now).granted) sent++;
    expect(sent / 10).toBeGreaterThanOrEqual(950);
  });

  it('holds a recipient to its pair pace while other recipients go on', () => {
    const permits = new RatePermits({ ...DEFAULT_RATE_PERMIT_CONFIG, pairBurst: 1 });
    expect(permits.take('num_1', 80, 'alice', 0).granted).toBe(true);
    expect(permits.take('num_1', 80, 'alice', 100)).toEqual({ granted: false, retryAt: 6000, limitedBy: 'pair' });
    expect(permits.take('num_1', 80, 'bob', 100).granted).toBe(true);
    expect(permits.take('num_1', 80, 'alice', 6000).granted).toBe(true);
  });

  it('does not spend the number pace on a job its pair refuses', () => {
    const permits = new RatePermits({ ...DEFAULT_RATE_PERMIT_CONFIG, pairBurst: 1 });
    permits.take('num_1', 1, 'alice', 0);
    expect(permits.take('num_1', 1, 'alice', 2000)).toMatchObject({ granted: false, limitedBy: 'pair' });
    expect(permits.take('num_1', 1, 'bob', 2000).granted).toBe(true);
    expect(permits.take('num_1', 1, 'carol', 2500)).toMatchObject({ granted: false, limitedBy: 'number' });
  });

  it('halves the pace after a throttling answer, then recovers', () => {
    const permits = new RatePermits();
    permits.slowDown('num_1', 0);
    const slowed = sendFor(permits, 100, 10_000, 10_000);
    expect(slowed.length).toBeGreaterThan(450);
    expect(slowed.length).toBeLessThan(500);
    expect(permits.isSlowed('num_1', 40_000)).toBe(false);
  });

  it('forgets pairs that have recovered', () => {
    const permits = new RatePermits({ ...DEFAULT_RATE_PERMIT_CONFIG, pairBurst: 1 });
    permits.take('num_1', 80, 'alice', 0);
    permits.prune(10_000);
    expect(permits.take('num_1', 80, 'alice', 10_000).granted).toBe(true);
  });
});

describe('CallWindows', () => {
  it('lets at most 99 % of a number\'s rate call within one second and its transit jitter, however the calls bunch, and says how long to wait', () => {
    const windows = new CallWindows();
    const waits = Array.from({ length: 81 }, () => windows.claim('num_1', 80, 1_000));
    expect(waits.filter((w) => w === 0)).toHaveLength(79);
    expect(waits.slice(79)).toEqual([1050, 1050]);
    // A second later the calls may still reach the upstream together with the next ones: not yet.
    expect(windows.claim('num_1', 80, 2_000)).toBe(50);
    expect(windows.claim('num_1', 80, 2_050)).toBe(0);
    expect(windows.claim('num_2', 80, 1_000)).toBe(0);
  });
});
