/**
 * Wake-ups across processes through PostgreSQL's LISTEN/NOTIFY: a signal wakes this process's listeners at once and
 * is sent on to every process sharing the schema, whose listeners it wakes in turn. Signals raised while one is being
 * sent go out together in the next, so a burst of accepts costs a few notifications, not one each. A lost connection
 * is opened again after a pause; a signal missed meanwhile only costs the listener a poll interval.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { LocalWakeUps, WAKE_TOPICS, type WakeListener, type WakeTopic, type WakeUps } from '../../runtime/wake-ups.js';

const CHANNEL = 'switchboard_wake';
const RECONNECT_MS = 1_000;

export interface PostgresWakeUpsOptions {
  /** Opens a connection to the database (with the schema on its search path). */
  readonly connect: () => pg.Client;
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
  private listener: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private schema = '';
  private closed = false;

  constructor(private readonly options: PostgresWakeUpsOptions) {}

  /** Starts listening; resolves once notifications from other processes arrive. */
  async start(): Promise<void> {
    const client = this.options.connect();
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => this.received(message.payload ?? ''));
    try {
      await client.connect();
      this.schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? '';
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) await client.end();
    else this.listener = client;
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
    clearTimeout(this.reconnect);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.local.close();
  }

  private async send(): Promise<void> {
    this.sending = true;
    try {
      while (this.pending.size > 0 && !this.closed) {
        const topics = [...this.pending];
        this.pending.clear();
        await this.options.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ schema: this.schema, sender: this.sender, topics })])
          .catch((error: unknown) => this.options.onError?.(error instanceof Error ? error : new Error(String(error))));
      }
    } finally {
      this.sending = false;
    }
  }

  private received(payload: string): void {
    let message: { schema?: unknown; sender?: unknown; topics?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return; // not ours: another application may use the channel name
    }
    if (message.schema !== this.schema || message.sender === this.sender || !Array.isArray(message.topics)) return;
    for (const topic of message.topics) if (typeof topic === 'string' && isTopic(topic)) this.local.signal(topic);
  }

  private lost(client: pg.Client, error?: Error): void {
    if (error) this.options.onError?.(error);
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    this.listenAgainLater();
  }

  private listenAgainLater(): void {
    this.reconnect = setTimeout(() => {
      this.start().catch((failure: unknown) => {
        this.options.onError?.(failure instanceof Error ? failure : new Error(String(failure)));
        if (!this.closed) this.listenAgainLater();
      });
    }, RECONNECT_MS);
    this.reconnect.unref();
  }
}
