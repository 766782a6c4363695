import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnect-backoff.js';

describe('reconnectDelayMs', () => {
  const backoff = { baseMs: 500, maxMs: 30_000 };
  it.each([
    [0, 0.5, 500], [1, 0.5, 1000], [2, 0.5, 2000], [6, 0.5, 30_000], [60, 0.5, 30_000],
    [0, 0, 400], [0, 0.999999, 600], [10, 0, 24_000],
  ])('attempt %i with random %f waits %i ms', (attempt, random, ms) => {
    expect(reconnectDelayMs(backoff, attempt, random)).toBe(ms);
  });
});
