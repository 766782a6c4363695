/**
 * The fault suite's inputs drawn from fast-check: each draw source is a `fc.gen()` value sampled with the run's seed, so
 * a run is reproduced from its seed, and each picker draws an arbitrary from it. The arbitraries are unbiased: the
 * odds the scenarios are written with (a valid key half the time, a third of a batch bad) hold as written.
 */
import fc from 'fast-check';

export interface Random {
  /** An integer in [0, max). */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

const CHANCE_STEPS = 1_000_000;
/** A module-level builder, so `fc.gen` reuses one arbitrary per bound instead of building one per draw. */
const below = (max: number) => fc.noBias(fc.integer({ min: 0, max: max - 1 }));

function randomOf(draw: fc.GeneratorValue): Random {
  const int = (max: number): number => draw(below, max);
  return {
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)]!;
    },
    chance: (probability) => int(CHANCE_STEPS) < probability * CHANCE_STEPS,
  };
}

/** The run's seed: SWITCHBOARD_FAULT_SEED reproduces a reported run, otherwise a fixed one keeps `npm test` stable. */
export function faultSeed(): number {
  const given = Number(process.env['SWITCHBOARD_FAULT_SEED']);
  return Number.isInteger(given) ? given : 20_261_204;
}

/** `runs` independent draw sources of the run's seed (fast-check's `numRuns`): one per request, batch or round. */
export function faultRandoms(runs: number): Random[] {
  return fc.sample(fc.gen(), { seed: faultSeed(), numRuns: runs }).map(randomOf);
}
