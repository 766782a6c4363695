/**
 * The roles a gateway process can take, what each one runs, and when a role cannot start: `api` answers HTTP and
 * stores what it is sent, `worker` does the background work, `all` does both in one process.
 */

export const PROCESS_ROLES = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export function isProcessRole(value: string): value is ProcessRole {
  return (PROCESS_ROLES as readonly string[]).includes(value);
}

/** What a process of a role runs. */
export interface RoleDuties {
  /** The whole HTTP API (sends, reads, admin, Meta's webhook receiver); otherwise only the health probes. */
  readonly api: boolean;
  /**
   * The background work: dispatch, applying stored Meta webhooks, delivering customer webhooks, template sync and
   * pruning.
   */
  readonly background: boolean;
}

export function dutiesOf(role: ProcessRole): RoleDuties {
  return { api: role !== 'worker', background: role !== 'api' };
}

/** The facts a role's start depends on. */
export interface RoleFacts {
  /** The store may be shared by several processes (PostgreSQL); SQLite belongs to one process. */
  readonly storeSharedAcrossProcesses: boolean;
  /** An upstream URL is configured; without one the process starts its own simulator, which only it can reach. */
  readonly upstreamConfigured: boolean;
}

export type RoleDecision = { readonly kind: 'start' } | { readonly kind: 'refuse'; readonly reason: string };

/**
 * A split role only makes sense with a partner process: both must share the store, and both must talk to one upstream,
 * which an embedded simulator (in memory, one per process) cannot be.
 */
export function checkRole(role: ProcessRole, facts: RoleFacts): RoleDecision {
  if (role === 'all') return { kind: 'start' };
  if (!facts.storeSharedAcrossProcesses)
    return { kind: 'refuse', reason: `role "${role}" needs a store shared across processes (DATABASE_URL=postgres://…); SQLite belongs to one process, so run it with role "all"` };
  if (!facts.upstreamConfigured)
    return { kind: 'refuse', reason: `role "${role}" needs SWITCHBOARD_UPSTREAM_URL (for example one \`switchboard simulate\` shared by every process): the built-in simulator lives inside one process only` };
  return { kind: 'start' };
}

/**
 * Where a process of role `all` runs its background work: in its own event loop (the default: with the accept writer
 * and the webhook sender on threads of their own it measured as fast, with lower accept latency, see
 * docs/deployment.md), or in a child process it starts and supervises, which takes dispatch and webhooks off the
 * serving process's event loop at the price of the two processes waiting for each other's write lock.
 */
export const BACKGROUND_PLACEMENTS = ['inline', 'process'] as const;
export type BackgroundPlacement = (typeof BACKGROUND_PLACEMENTS)[number];

export function isBackgroundPlacement(value: string): value is BackgroundPlacement {
  return (BACKGROUND_PLACEMENTS as readonly string[]).includes(value);
}

export function backgroundInChild(role: ProcessRole, placement: BackgroundPlacement): boolean {
  return role === 'all' && placement === 'process';
}
