/**
 * Wake-ups across processes through PostgreSQL's LISTEN/NOTIFY: a signal wakes this process's listeners at once and
 * is sent on to every process sharing the schema, whose listeners it wakes in turn. Signals raised while one is being
 * sent go out together in the next, so a burst of accepts costs a few notifications, not one each. The listening
 * session is this process's PostgresSession; a signal missed while it reconnects only costs a listener a poll interval.
 */
import { randomUUID } from 'node:crypto';
import { LocalWakeUps, WAKE_TOPICS, type WakeListener, type WakeTopic, type WakeUps } from '../../runtime/wake-ups.js';

export const WAKE_CHANNEL = 'switchboard_wake';

export interface PostgresWakeUpsOptions {
  /** Runs one statement on any connection (the store's pool). */
  readonly query: (text: string, values: readonly unknown[]) => Promise<unknown>;
  readonly onError?: (error: Error) => void;
}

const isTopic = (value: string): value is WakeTopic => (WAKE_TOPICS as readonly string[]).includes(value);

export class PostgresWakeUps implements WakeUps {
  private readonly local = new LocalWakeUps();
  /** Tells this process's own notifications apart: their listeners were woken when the signal was raised. */
  private readonly sender = randomUUID();
  private readonly pending = new Set<WakeTopic>();
  private sending = false;
  private schema = '';
  private closed = false;

  constructor(private readonly options: PostgresWakeUpsOptions) {}

  /** The schema whose notifications count (the session's): processes on other schemas of the database are not ours. */
  listenIn(schema: string): void {
    this.schema = schema;
  }

  signal(topic: WakeTopic): void {
    this.local.signal(topic);
    this.pending.add(topic);
    if (!this.sending) void this.send();
  }

  on(topic: WakeTopic, listener: WakeListener): () => void {
    return this.local.on(topic, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.local.close();
  }

  /** A notification of the wake channel, as the session received it. */
  received(payload: string): void {
    let message: { schema?: unknown; sender?: unknown; topics?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return; // not ours: another application may use the channel name
    }
    if (message.schema !== this.schema || message.sender === this.sender || !Array.isArray(message.topics)) return;
    for (const topic of message.topics) if (typeof topic === 'string' && isTopic(topic)) this.local.signal(topic);
  }

  private async send(): Promise<void> {
    this.sending = true;
    try {
      while (this.pending.size > 0 && !this.closed) {
        const topics = [...this.pending];
        this.pending.clear();
        await this.options.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, JSON.stringify({ schema: this.schema, sender: this.sender, topics })])
          .catch((error: unknown) => this.options.onError?.(error instanceof Error ? error : new Error(String(error))));
      }
    } finally {
      this.sending = false;
    }
  }
}
