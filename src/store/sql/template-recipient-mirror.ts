/**
 * The messaging limit's recipients kept in memory between accept transactions, so a template send does not read every
 * recipient of the last 24 h. Right only for the one writer of accepted messages (`singleWriter`): it sees every
 * template send, and is cleared whenever a transaction it learnt from did not commit.
 */
import type { MessagingFacts } from '../../domain/preflight/messaging-limit.js';

/** Recipient → when it was last sent a template, least recent first. */
type Reached = Map<string, number>;

export class TemplateRecipientMirror {
  private readonly accounts = new Map<string, Reached>();

  /** The account's recipients since `since`, read with `load` (rows ordered by `at`) the first time. */
  async recipients(accountId: string, since: number, load: () => Promise<readonly { recipient: string; at: number | null }[]>): Promise<Reached> {
    let reached = this.accounts.get(accountId);
    if (!reached) {
      reached = new Map();
      for (const r of await load()) reached.set(r.recipient, Number(r.at));
      this.accounts.set(accountId, reached);
    }
    for (const [recipient, at] of reached) {
      if (at > since) break;
      reached.delete(recipient);
    }
    return reached;
  }

  factsOf(reached: Reached, to: string): MessagingFacts {
    const oldest = reached.values().next();
    return { uniqueRecipients: reached.size, recipientCounted: reached.has(to), oldestAt: oldest.done ? null : oldest.value };
  }

  /** A template send to `to` was written at `now` (its account's recipients were read first). */
  reached(accountId: string, to: string, now: number): void {
    const reached = this.accounts.get(accountId);
    if (!reached) return;
    // Re-inserted at the end, so the map stays ordered by last send and its first entry is the least recent.
    reached.delete(to);
    reached.set(to, now);
  }

  clear(): void {
    this.accounts.clear();
  }
}
