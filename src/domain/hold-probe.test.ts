import { describe, expect, it } from 'vitest';
import { pickProbes } from './hold-probe.js';

describe('pickProbes', () => {
  it('lets one job per number whose hold ran out go first, and every job of a number that was not held', () => {
    const due = [
      { id: 'j1', numberId: 'held', heldUntil: 100 },
      { id: 'j2', numberId: 'free', heldUntil: null },
      { id: 'j3', numberId: 'held', heldUntil: 100 },
      { id: 'j4', numberId: 'free', heldUntil: null },
    ];
    const { jobs, probes } = pickProbes(due);
    expect(jobs.map((j) => j.id)).toEqual(['j1', 'j2', 'j4']);
    expect([...probes]).toEqual(['j1']);
  });
});
