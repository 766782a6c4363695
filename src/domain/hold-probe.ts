/**
 * A number whose hold (maintenance, a registration wait) ran out sends one job first, the probe; the rest of its
 * queue waits for the probe's answer, which either ends the hold or renews it. Jobs of numbers that were not held go
 * as they are.
 */

export interface DueJob {
  readonly id: string;
  readonly numberId: string;
  /** Set when the number was held and its hold has run out. */
  readonly heldUntil: number | null;
}

/** Of the due jobs (oldest first), those that may be claimed, and which of them are probes. */
export function pickProbes<T extends DueJob>(due: readonly T[]): { readonly jobs: T[]; readonly probes: ReadonlySet<string> } {
  const probing = new Set<string>();
  const probes = new Set<string>();
  const jobs = due.filter((job) => {
    if (job.heldUntil === null) return true;
    if (probing.has(job.numberId)) return false;
    probing.add(job.numberId);
    probes.add(job.id);
    return true;
  });
  return { jobs, probes };
}
