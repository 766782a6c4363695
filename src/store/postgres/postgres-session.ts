/**
 * This process's own long-lived PostgreSQL session, beside the pool: it listens for wake-ups and holds an advisory
 * lock per worker that leases work, so other processes can tell a worker whose process died (its locks went with
 * its session) from one still at work. A lost session is opened again after a pause, with its LISTEN and its locks.
 */
import type pg from 'pg';

const RECONNECT_MS = 1_000;
/** The first key of every lease-owner lock (the second is the owner's name hashed): "SW". */
export const LEASE_OWNER_LOCK_SPACE = 0x5357;

export interface PostgresSessionOptions {
  readonly connect: () => pg.Client;
  readonly channel: string;
  readonly onNotification: (payload: string) => void;
  readonly onError: (error: Error) => void;
}

export class PostgresSession {
  private client: pg.Client | undefined;
  private readonly owners = new Set<string>();
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: PostgresSessionOptions) {}

  /** Opens the session; answers its schema (notifications name it, so schemas sharing a database stay apart). */
  async open(): Promise<string> {
    const client = this.options.connect();
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => this.options.onNotification(message.payload ?? ''));
    try {
      await client.connect();
      const schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema ?? '';
      await client.query(`LISTEN ${this.options.channel}`);
      for (const owner of this.owners) await lockOwner(client, owner);
      if (this.closed) await client.end();
      else this.client = client;
      return schema;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** Holds `owner`'s lock for as long as this process lives (and again after a reconnect). */
  async holdLeaseOwner(owner: string): Promise<void> {
    if (this.owners.has(owner)) return;
    this.owners.add(owner);
    if (this.client) await lockOwner(this.client, owner);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (error) this.options.onError(error);
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.openLater();
  }

  private openLater(): void {
    this.reconnect = setTimeout(() => {
      this.open().catch((failure: unknown) => {
        this.options.onError(failure instanceof Error ? failure : new Error(String(failure)));
        if (!this.closed) this.openLater();
      });
    }, RECONNECT_MS);
    this.reconnect.unref();
  }
}

function lockOwner(client: pg.Client, owner: string): Promise<unknown> {
  return client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LEASE_OWNER_LOCK_SPACE, owner]);
}
