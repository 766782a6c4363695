/**
 * Group commit: gathers the writes that arrive while one commit is being prepared into a single transaction, so that a
 * durable (fsync'd) commit is paid once per batch rather than once per request. Each caller is answered after the
 * transaction that holds its write has committed, or with that transaction's error.
 */

export interface GroupCommitOptions<T, R> {
  /** Writes all items in one transaction and returns one result per item, in order. */
  readonly commit: (items: readonly T[]) => R[] | Promise<R[]>;
  /** Flush at once when this many items wait. */
  readonly maxItems: number;
  /**
   * Gather for this long before committing (default 0: until the current turn of the event loop ends). Worth it
   * where nobody waits on the commit's latency and fewer fsyncs matter more.
   */
  readonly gatherMs?: number;
}

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private readonly options: GroupCommitOptions<T, R>;

  constructor(options: GroupCommitOptions<T, R>) {
    if (!(options.maxItems >= 1)) throw new Error('group commit needs maxItems ≥ 1');
    this.options = options;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxItems) this.flushSoon(true);
      else this.flushSoon(false);
    });
  }

  /** Waits for everything submitted so far to be committed (used on shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) {
      this.flushSoon(true);
      await this.running;
      await new Promise((r) => setImmediate(r));
    }
    await this.running;
  }

  private flushSoon(now: boolean): void {
    if (this.scheduled && !now) return;
    this.scheduled = true;
    // setImmediate runs after the current poll phase, i.e. after every request whose bytes arrived in this turn of the
    // event loop has been parsed and has submitted: that is the "group".
    const run = (): void => {
      this.scheduled = false;
      this.running = this.running.then(() => this.flush());
    };
    if (now) queueMicrotask(run);
    else if (this.options.gatherMs) setTimeout(run, this.options.gatherMs);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.options.maxItems);
    if (batch.length === 0) return;
    if (this.queue.length > 0 && !this.scheduled) this.flushSoon(false);
    try {
      const results = await this.options.commit(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
