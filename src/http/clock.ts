/** The one clock the HTTP edge reads; tests pass a fixed or stepping one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
