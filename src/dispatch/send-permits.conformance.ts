/**
 * The send-permit port's conformance suite (send-permits.ts), run on every implementation: the number's pace, the
 * pair's pace, both or neither, the slow-down and its end, and the per-second call cap. `advance` moves the
 * implementation's time: a hand-moved clock in memory, the real one (a bounded sleep) in Redis.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_PERMIT_CONFIG, type RatePermitConfig } from './rate-permit.js';
import type { SendPermits } from './send-permits.js';

export interface SendPermitsHarness {
  make(config: RatePermitConfig): SendPermits;
  advance(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

const CONFIG: RatePermitConfig = { ...DEFAULT_RATE_PERMIT_CONFIG, pairBurst: 1, slowForMs: 300 };
const granted = { granted: true };
const refusedBy = (limitedBy: 'pair' | 'number') => ({ granted: false, limitedBy, waitMs: expect.any(Number) });

export function describeSendPermitsConformance(name: string, open: () => Promise<SendPermitsHarness>): void {
  describe(`Send permits conformance: ${name}`, () => {
    let harness: SendPermitsHarness;
    let permits: SendPermits;
    beforeEach(async () => {
      harness = await open();
      permits = harness.make(CONFIG);
    });
    afterEach(() => harness.dispose());

    it('grants a number its pace, stops the batch at its refusal, and grants again once the wait is over', async () => {
      // 10 msg/s at 96 %: one permit per 104.2 ms, no burst (the slack is under 2).
      const answers = await permits.take('num_a', 10, ['r1', 'r2', 'r3']);
      expect(answers).toEqual([granted, refusedBy('number')]);
      const wait = (answers[1] as { waitMs: number }).waitMs;
      expect(wait).toBeGreaterThan(100);
      expect(wait).toBeLessThanOrEqual(105);
      await harness.advance(wait);
      expect(await permits.take('num_a', 10, ['r2'])).toEqual([granted]);
    });

    it('holds a recipient to its pair pace while the batch goes on for other recipients', async () => {
      const answers = await permits.take('num_a', 1000, ['alice', 'alice', 'bob']);
      expect(answers).toEqual([granted, refusedBy('pair'), granted]);
      expect((answers[1] as { waitMs: number }).waitMs).toBeGreaterThan(5_900);
      expect((answers[1] as { waitMs: number }).waitMs).toBeLessThanOrEqual(6_000);
      expect(await permits.take('num_b', 1000, ['alice'])).toEqual([granted]);
    });

    it('takes both permits or neither: a pair refusal leaves the number its pace, a number refusal leaves the pair', async () => {
      expect(await permits.take('num_a', 1000, ['alice'])).toEqual([granted]);
      await harness.advance(5);
      // At 1 msg/s one permit is left: alice's pair refuses without spending it, so bob gets it and carol does not.
      expect(await permits.take('num_a', 1, ['alice', 'bob', 'carol'])).toEqual([refusedBy('pair'), granted, refusedBy('number')]);
      const answers = await permits.take('num_b', 10, ['dave', 'erin']);
      expect(answers).toEqual([granted, refusedBy('number')]);
      await harness.advance((answers[1] as { waitMs: number }).waitMs);
      expect(await permits.take('num_b', 10, ['erin'])).toEqual([granted]);
    });

    it('halves a number\'s pace after a slow-down, for that number only, until the slow-down ends', async () => {
      // 100 msg/s: a burst of 2, then one permit per 10.4 ms; slowed, one per 20.8 ms.
      const waitAfterTwo = async (numberId: string, tag: string): Promise<number> => {
        const answers = await permits.take(numberId, 100, [`${tag}1`, `${tag}2`, `${tag}3`]);
        expect(answers).toEqual([granted, granted, refusedBy('number')]);
        return (answers[2] as { waitMs: number }).waitMs;
      };
      await permits.slowDown('num_slow');
      const slowed = await waitAfterTwo('num_slow', 'a');
      const normal = await waitAfterTwo('num_fast', 'a');
      expect(slowed).toBeGreaterThanOrEqual(20);
      expect(slowed).toBeLessThanOrEqual(22);
      expect(normal).toBeGreaterThanOrEqual(10);
      expect(normal).toBeLessThanOrEqual(11);
      await harness.advance(CONFIG.slowForMs + 50);
      expect(await waitAfterTwo('num_slow', 'b')).toBeLessThanOrEqual(11);
    });

    it('lets at most 99 % of a number\'s rate call within one second (and its transit jitter) and says how long to wait', async () => {
      // 5 msg/s: a cap of 4 calls in any second, held over 1.05 s.
      const waits = [];
      for (let i = 0; i < 5; i += 1) waits.push(await permits.claimCallSlot('num_a', 5));
      expect(waits.slice(0, 4)).toEqual([0, 0, 0, 0]);
      expect(waits[4]).toBeGreaterThan(0);
      expect(waits[4]).toBeGreaterThan(1000);
      expect(waits[4]).toBeLessThanOrEqual(1050);
      expect(await permits.claimCallSlot('num_b', 5)).toBe(0);
      await harness.advance(waits[4] as number);
      expect(await permits.claimCallSlot('num_a', 5)).toBe(0);
    });
  });
}
