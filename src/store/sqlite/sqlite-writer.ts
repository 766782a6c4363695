/**
 * SQLite's accept writer, the main-thread side of its writer thread: sends a group of requests, resolves with their
 * outcomes once committed on disk.
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../runtime/module-worker.js';
import type { AcceptJob, AcceptWriter, ItemOutcome, RequestOutcome } from '../sql/accept-writer.js';

export interface WriterData {
  readonly file: string;
  /** Where the main thread puts the responses the transaction asks for. */
  readonly responses: MessagePort;
  /** One Int32: set to 1 when a response was put. */
  readonly signal: SharedArrayBuffer;
}

export type WriterRequest = { type: 'commit'; seq: number; json: string } | { type: 'close' };
export type WriterReply =
  | { type: 'committed'; seq: number; outcomes: RequestOutcome[] }
  | { type: 'failed'; seq: number; error: string }
  | { type: 'respond'; seq: number; requestIndex: number; items: readonly ItemOutcome[] }
  | { type: 'closed' };

interface Waiter {
  readonly jobs: readonly AcceptJob[];
  readonly resolve: (outcomes: RequestOutcome[]) => void;
  readonly reject: (e: Error) => void;
}

export class SqliteWriter implements AcceptWriter {
  private readonly worker: Worker;
  private readonly responses: MessagePort;
  private readonly signal: Int32Array;
  private seq = 0;
  private readonly waiting = new Map<number, Waiter>();
  private closed: Promise<void> | undefined;
  /** Set when the thread died: later commits fail at once instead of waiting for an answer that cannot come. */
  private dead: Error | undefined;

  constructor(file: string) {
    const channel = new MessageChannel();
    this.responses = channel.port1;
    const signal = new SharedArrayBuffer(4);
    this.signal = new Int32Array(signal);
    this.worker = startModuleWorker(import.meta.url, './sqlite-writer-worker', { workerData: { file, responses: channel.port2, signal } satisfies WriterData, transferList: [channel.port2] });
    this.worker.on('message', (reply: WriterReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the SQLite writer thread exited with code ${code}`)));
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Commits every request of the group in one transaction; resolves with their outcomes after the commit is on disk. */
  commit(jobs: readonly AcceptJob[]): Promise<RequestOutcome[]> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { jobs, resolve, reject });
      // One JSON string crosses the thread boundary faster than a structured clone of many small objects.
      const request: WriterRequest = { type: 'commit', seq, json: JSON.stringify(jobs.map((j) => j.request)) };
      this.worker.postMessage(request);
    });
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((done) => {
      this.worker.once('message', () => void this.worker.terminate().then(() => done()));
      this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
    });
    return this.closed;
  }

  private onReply(reply: WriterReply): void {
    if (reply.type === 'closed') return;
    const waiter = this.waiting.get(reply.seq);
    if (reply.type === 'respond') return this.answer(waiter?.jobs[reply.requestIndex], reply.items);
    this.waiting.delete(reply.seq);
    if (reply.type === 'committed') waiter?.resolve(reply.outcomes);
    else waiter?.reject(new Error(`commit failed: ${reply.error}`));
  }

  /** The writer thread waits on the signal inside its transaction: answer before anything else. */
  private answer(job: AcceptJob | undefined, items: readonly ItemOutcome[]): void {
    try {
      const response = job?.respond?.(items);
      if (response) this.responses.postMessage(response);
    } finally {
      Atomics.store(this.signal, 0, 1);
      Atomics.notify(this.signal, 0);
    }
  }

  private failAll(error: Error): void {
    this.dead ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
