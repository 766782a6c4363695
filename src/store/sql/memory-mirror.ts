/**
 * Rows held in memory by key, so the send path answers from memory: only for a store whose tables no other process
 * writes (`sharedAcrossProcesses` false), where this process sees every change it must mirror. The rows are loaded
 * on first use, and every call waits for that load, so a change made meanwhile is never undone by it.
 */
import type { StoreCapabilities } from '../store.js';

export class MemoryMirror<V> {
  private readonly entries = new Map<string, V>();
  private loading: Promise<void> | undefined;

  private constructor(private readonly load: () => Promise<Iterable<readonly [string, V]>>) {}

  /** A mirror where the store allows one; undefined where another process may change the rows (ask the table). */
  static where<V>(capabilities: StoreCapabilities, load: () => Promise<Iterable<readonly [string, V]>>): MemoryMirror<V> | undefined {
    return capabilities.sharedAcrossProcesses ? undefined : new MemoryMirror(load);
  }

  private loaded(): Promise<void> {
    this.loading ??= this.load().then(
      (rows) => {
        for (const [key, value] of rows) this.entries.set(key, value);
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  async get(key: string): Promise<V | undefined> {
    await this.loaded();
    return this.entries.get(key);
  }

  async set(key: string, value: V): Promise<void> {
    await this.loaded();
    this.entries.set(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.loaded();
    this.entries.delete(key);
  }

  /** Drops the entries `keep` refuses once more than `limit` are held: a bound for mirrors of recent rows. */
  async trim(limit: number, keep: (value: V) => boolean): Promise<void> {
    await this.loaded();
    if (this.entries.size <= limit) return;
    for (const [key, value] of this.entries) if (!keep(value)) this.entries.delete(key);
  }
}

/** The mirror key of a row keyed by two columns. */
export const pairKey = (a: string, b: string): string => `${a}\n${b}`;
