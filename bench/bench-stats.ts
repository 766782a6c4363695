/** The statistics the end-to-end benchmarks print: percentiles, and sustained and peak rates of a series of times. */

/** The value below which a share `p` of the values lie (sorts `values` in place). */
export function percentile(values: number[], p: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
}

/** Sustained rate over the steady part of the run, and the busiest one-second window (sliding by 50 ms). */
export function rates(times: number[]): { sustained: number; busiestSecond: number } {
  times.sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  const steady = times.filter((t) => t >= first + 2000 && t <= last - 1000);
  const sustained = steady.length / Math.max(0.001, (last - 1000 - (first + 2000)) / 1000);
  let busiest = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= 1000) lo++;
    busiest = Math.max(busiest, hi - lo + 1);
  }
  return { sustained, busiestSecond: busiest };
}
