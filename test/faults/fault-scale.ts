/**
 * How hard the fault suite pushes. `npm test` runs it in its short form; `npm run test:faults` sets
 * SWITCHBOARD_FAULTS=full for the long form (more requests, more kills, more messages). Every scenario is bounded in
 * count and time either way and only ever targets 127.0.0.1.
 */
export const FULL_FAULT_RUN = process.env['SWITCHBOARD_FAULTS'] === 'full';

/** The short figure inside `npm test`, the long one under `npm run test:faults`. */
export function faultScale(short: number, full: number): number {
  return FULL_FAULT_RUN ? full : short;
}

/** A scenario's figures, printed so the run's log can be quoted (requests, 5xx, duplicates, lost, statuses dropped). */
export function reportFigures(scenario: string, figures: Readonly<Record<string, number>>): void {
  const parts = Object.entries(figures).map(([name, value]) => `${name}=${value}`);
  console.log(`[faults] ${scenario}: ${parts.join(' ')}`);
}
