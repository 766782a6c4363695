/** Group commit: one commit per event-loop turn's worth of submissions, results in order, errors to every waiter. */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  it('gathers concurrent submissions into one commit and answers each in order', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>({ maxItems: 100, commit: (items) => (batches.push([...items]), items.map((i) => i * 2)) });
    const results = await Promise.all([1, 2, 3].map((i) => group.submit(i)));
    expect(results).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits at maxItems and runs commits one after another', async () => {
    let running = 0;
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>({
      maxItems: 2,
      commit: async (items) => {
        expect(running).toBe(0);
        running++;
        await new Promise((r) => setTimeout(r, 5));
        running--;
        sizes.push(items.length);
        return [...items];
      },
    });
    await Promise.all([1, 2, 3, 4, 5].map((i) => group.submit(i)));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  });

  it('rejects every waiter of a failed commit and keeps going', async () => {
    let fail = true;
    const group = new GroupCommit<number, number>({ maxItems: 10, commit: (items) => { if (fail) throw new Error('disk full'); return [...items]; } });
    await expect(Promise.all([group.submit(1), group.submit(2)])).rejects.toThrow('disk full');
    fail = false;
    expect(await group.submit(3)).toBe(3);
    await group.drain();
  });
});
