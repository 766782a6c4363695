/**
 * A small seeded PRNG (mulberry32) and the pickers the fault suite draws its inputs with, so a run is reproduced from
 * its seed. fast-check is not a dependency of the project; these generators stand in for its arbitraries.
 */
export interface Random {
  /** In [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)]!;
    },
    chance: (probability) => next() < probability,
  };
}

/** The run's seed: SWITCHBOARD_FAULT_SEED reproduces a reported run, otherwise a fixed one keeps `npm test` stable. */
export function faultSeed(): number {
  const given = Number(process.env['SWITCHBOARD_FAULT_SEED']);
  return Number.isInteger(given) ? given : 20_261_204;
}
