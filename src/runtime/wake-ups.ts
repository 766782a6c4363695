/**
 * Wake-ups: how a worker learns that work it waits for was just stored (messages accepted, Meta's webhooks stored,
 * events written), instead of finding it at its next poll. A signal carries no data, only its topic; missing one costs
 * a poll interval, never work. In-process here; an engine shared by processes brings its own (PostgreSQL's
 * LISTEN/NOTIFY), so an API process's accepts wake the dispatcher of a worker process.
 */
export const WAKE_TOPICS = ['outbox', 'events', 'meta_webhooks'] as const;
export type WakeTopic = (typeof WAKE_TOPICS)[number];

export type WakeListener = () => void;

export interface WakeUps {
  /** Tells every listener of `topic`, in this process and (where the engine reaches them) in the others. */
  signal(topic: WakeTopic): void;
  /** Calls `listener` on each signal of `topic`; answers the unsubscribe. */
  on(topic: WakeTopic, listener: WakeListener): () => void;
  close(): Promise<void>;
}

/** The listeners of this process, by topic: the part of every engine's wake-ups that stays in memory. */
export class LocalWakeUps implements WakeUps {
  private readonly listeners = new Map<WakeTopic, Set<WakeListener>>();

  signal(topic: WakeTopic): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  on(topic: WakeTopic, listener: WakeListener): () => void {
    const set = this.listeners.get(topic) ?? new Set<WakeListener>();
    this.listeners.set(topic, set);
    set.add(listener);
    return () => void set.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
