import { describe, expect, it } from 'vitest';
import { WorkLoop } from './work-loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkLoop', () => {
  it('keeps running after a tick throws, reporting the error', async () => {
    const errors: unknown[] = [];
    let ticks = 0;
    const loop: WorkLoop = new WorkLoop(
      async () => {
        ticks += 1;
        if (ticks === 1) throw new Error('database is locked');
        if (ticks < 3) loop.schedule(1);
      },
      { retryAfterErrorMs: 5, onError: (e) => errors.push(e) },
    );
    loop.start();
    await sleep(50);
    await loop.stop();
    expect(ticks).toBe(3);
    expect(errors).toHaveLength(1);
  });

  it('runs one tick at a time and none after stop', async () => {
    let running = 0;
    let overlap = false;
    let ticks = 0;
    const loop: WorkLoop = new WorkLoop(
      async () => {
        running += 1;
        overlap ||= running > 1;
        ticks += 1;
        await sleep(5);
        running -= 1;
      },
      { retryAfterErrorMs: 5, onError: () => undefined },
    );
    loop.start();
    for (let i = 0; i < 5; i++) loop.schedule(0);
    await sleep(20);
    await loop.stop();
    const after = ticks;
    loop.schedule(0);
    await sleep(20);
    expect(overlap).toBe(false);
    expect(ticks).toBe(after);
  });
});
