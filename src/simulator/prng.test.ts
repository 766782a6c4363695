import { describe, expect, it } from 'vitest';
import { randomDigits, seededRandom } from './prng.js';

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws digits from the seeded stream', () => {
    expect(randomDigits(seededRandom(7), 15)).toBe(randomDigits(seededRandom(7), 15));
    expect(randomDigits(seededRandom(7), 15)).toMatch(/^\d{15}$/);
  });
});
