/**
 * Keys, accounts and numbers are read on every request and change rarely, so their reads are kept for a moment.
 * This process's own changes clear the cache at once; changes by another process (the CLI, another gateway) are seen
 * within `maxAgeMs`.
 */
export class ReadCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; at: number }>();

  constructor(
    private readonly maxAgeMs: number,
    /** Misses are kept too (unknown keys); the bound keeps a flood of random keys from growing memory. */
    private readonly maxEntries = 10_000,
  ) {}

  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.maxAgeMs) return hit.value as Promise<T>;
    // The promise is kept, so concurrent misses share one query; a failed load is not kept.
    const value = load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, at: now });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
