/** The main-thread side of the SQLite writer thread: sends a group of rows, resolves when its transaction committed. */
import { Worker } from 'node:worker_threads';

export interface MessageRowInput {
  readonly id: string;
  readonly jobId: string;
  readonly accountId: string;
  readonly numberId: string;
  readonly to: string;
  readonly type: string;
  readonly status: string;
  /** JSON text: serialised on the main thread so the worker only binds values. */
  readonly payload: string;
  readonly statusTimes: string;
  readonly creditCost: number;
  /** The message.accepted event's payload as JSON text, built by its domain builder: the worker only binds it. */
  readonly acceptedEvent: string;
}

export interface GroupRequest {
  readonly now: number;
  readonly messages: readonly MessageRowInput[];
  readonly idempotency?: { accountId: string; key: string; requestHash: string; statusCode: number; body: string };
}

type Reply = { type: 'committed' | 'failed' | 'closed'; seq?: number; error?: string };

export class SqliteWriter {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private closed: Promise<void> | undefined;
  /** Set when the thread died: later commits fail at once instead of waiting for an answer that cannot come. */
  private dead: Error | undefined;

  constructor(file: string) {
    this.worker = new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), { workerData: { file } });
    this.worker.on('message', (reply: Reply) => {
      if (reply.seq === undefined) return;
      const waiter = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      if (reply.type === 'committed') waiter?.resolve();
      else waiter?.reject(new Error(`commit failed: ${reply.error ?? 'unknown error'}`));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the SQLite writer thread exited with code ${code}`)));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Commits every request of the group in one transaction; resolves after the commit is on disk. */
  commit(requests: readonly GroupRequest[]): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      // One JSON string crosses the thread boundary faster than a structured clone of many small objects.
      this.worker.postMessage({ type: 'commit', seq, json: JSON.stringify(requests) });
    });
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((done) => {
      this.worker.once('message', () => void this.worker.terminate().then(() => done()));
      this.worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }

  private failAll(error: Error): void {
    this.dead ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
