/**
 * The background job that applies the retention policy: in rounds of one small batch per table, yielding to the
 * event loop after each batch, so accepts never wait behind it for longer than one batch takes. While any table still
 * has rows past its horizon the next round follows after a short pause; once caught up, after the interval.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { RETAINED_TABLES, retentionCutoff, type RetainedTable, type RetentionPolicy } from '../domain/retention.js';
import { WorkLoop } from './work-loop.js';

/** The store operations the pruner needs (implemented once in store/sql/retention-store.ts). */
export interface RetentionPort {
  pruneBatch(table: Exclude<RetainedTable, 'credit_ledger'>, cutoff: number, limit: number): Promise<number>;
  accountsAfter(after: string | null, limit: number): Promise<string[]>;
  compactLedger(accountId: string, cutoff: number, limit: number): Promise<number>;
}

export interface PrunerConfig {
  readonly policy: RetentionPolicy;
  /** Most rows one statement (or one ledger fold) touches. */
  readonly batchRows: number;
  /** Pause between rounds while rows past their horizon remain. */
  readonly pauseMs: number;
  /** Wait between passes once every table is caught up. */
  readonly intervalMs: number;
  /** Wait after a failed batch: most often the database was busy with a commit for longer than the pruner waits. */
  readonly retryAfterErrorMs: number;
}

export const DEFAULT_PRUNER_CONFIG: Omit<PrunerConfig, 'policy'> = { batchRows: 200, pauseMs: 20, intervalMs: 60_000, retryAfterErrorMs: 1000 };

export interface PrunerDeps {
  readonly store: RetentionPort;
  readonly config: PrunerConfig;
  readonly now: () => number;
  readonly onError: (error: unknown) => void;
}

export class Pruner {
  private readonly loop: WorkLoop;
  /** The account whose ledger is compacted next is the first after this one (null: from the start). */
  private ledgerCursor: string | null = null;
  private readonly removed = new Map<RetainedTable, number>();
  private stopping = false;

  constructor(private readonly deps: PrunerDeps) {
    this.loop = new WorkLoop(() => this.tick(), { retryAfterErrorMs: deps.config.retryAfterErrorMs, onError: deps.onError });
  }

  start(): void {
    this.stopping = false;
    this.loop.start();
  }

  /** No batch starts after this; resolves once the one under way has finished. */
  stop(): Promise<void> {
    this.stopping = true;
    return this.loop.stop();
  }

  /** Rows removed (ledger: folded) per table since start. */
  get totals(): Readonly<Record<RetainedTable, number>> {
    return Object.fromEntries(RETAINED_TABLES.map((t) => [t, this.removed.get(t) ?? 0])) as Record<RetainedTable, number>;
  }

  private async tick(): Promise<void> {
    const more = await this.pruneRound();
    this.loop.schedule(more ? this.deps.config.pauseMs : this.deps.config.intervalMs);
  }

  /** One batch of each table, in RETAINED_TABLES order; answers whether any table may have more past its horizon. */
  async pruneRound(): Promise<boolean> {
    let more = false;
    for (const table of RETAINED_TABLES) {
      if (this.stopping) return false;
      const cutoff = retentionCutoff(this.deps.config.policy, table, this.deps.now());
      const batch = table === 'credit_ledger' ? await this.compactNextLedger(cutoff) : await this.pruneTable(table, cutoff);
      more ||= batch.more;
      this.removed.set(table, (this.removed.get(table) ?? 0) + batch.rows);
      await yieldToEventLoop();
    }
    return more;
  }

  private async pruneTable(table: Exclude<RetainedTable, 'credit_ledger'>, cutoff: number): Promise<Batch> {
    const rows = await this.deps.store.pruneBatch(table, cutoff, this.deps.config.batchRows);
    return { rows, more: rows === this.deps.config.batchRows };
  }

  /** One fold of one account's ledger; the walk moves on to the next account once this one has nothing left to fold. */
  private async compactNextLedger(cutoff: number): Promise<Batch> {
    const [accountId] = await this.deps.store.accountsAfter(this.ledgerCursor, 1);
    if (accountId === undefined) {
      this.ledgerCursor = null;
      return { rows: 0, more: false };
    }
    const rows = await this.deps.store.compactLedger(accountId, cutoff, this.deps.config.batchRows);
    if (rows < this.deps.config.batchRows) this.ledgerCursor = accountId;
    return { rows, more: true };
  }
}

interface Batch {
  readonly rows: number;
  readonly more: boolean;
}
