/**
 * A webhook sender whose posts are made by a thread of their own (sender-thread.ts): the HTTP client, the socket
 * writes and the reads of the answers cost the main thread nothing; it pays one message per batch of posts and one
 * per batch of results. Behaves as the HttpWebhookSender it runs there.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../runtime/module-worker.js';
import type { HttpWebhookSenderOptions, WebhookPost, WebhookSender } from './webhook-sender.js';
import type { AttemptResult } from '../../store/webhook-store.js';

export interface NumberedPost {
  readonly seq: number;
  readonly message: WebhookPost;
}
export interface NumberedResult {
  readonly seq: number;
  readonly result: AttemptResult;
}
/** Batches cross as one JSON string each (of NumberedPost[] and NumberedResult[]): cheaper than a structured clone of many small objects. */
export type SenderRequest = { readonly type: 'posts'; readonly json: string } | { readonly type: 'close' };
export type SenderReply = { readonly type: 'ready' } | { readonly type: 'results'; readonly json: string } | { readonly type: 'closed' };

interface Waiter {
  readonly resolve: (result: AttemptResult) => void;
  readonly reject: (error: Error) => void;
}

export class ThreadedWebhookSender implements WebhookSender {
  private worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private outgoing: NumberedPost[] = [];
  private seq = 0;
  private closed: Promise<void> | undefined;
  /** Set once closed, or when a thread died before it ever ran: posts fail at once instead of waiting for answers that cannot come. */
  private dead: Error | undefined;

  constructor(private readonly options: HttpWebhookSenderOptions) {
    this.worker = this.start();
  }

  post(message: WebhookPost): Promise<AttemptResult> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      // The posts started in this turn of the event loop cross to the thread together.
      if (this.outgoing.push({ seq, message }) === 1) setImmediate(() => this.flush());
    });
  }

  close(): Promise<void> {
    this.closed ??= this.dead ? Promise.resolve() : new Promise<void>((done) => {
      this.dead = new Error('the webhook sender is closed');
      const worker = this.worker;
      worker.on('message', (reply: SenderReply) => {
        if (reply.type === 'closed') void worker.terminate().then(() => done());
      });
      this.flush();
      worker.postMessage({ type: 'close' } satisfies SenderRequest);
    });
    return this.closed;
  }

  private start(): Worker {
    const worker = startModuleWorker(import.meta.url, './sender-thread', { workerData: this.options });
    let ran = false;
    worker.on('message', (reply: SenderReply) => {
      if (reply.type === 'ready') ran = true;
      if (reply.type !== 'results') return;
      for (const { seq, result } of JSON.parse(reply.json) as NumberedResult[]) {
        this.waiting.get(seq)?.resolve(result);
        this.waiting.delete(seq);
      }
    });
    const lost = (error: Error) => this.lost(worker, ran, error);
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the webhook sender thread exited with code ${code}`)));
    // An idle sender must not keep the process alive.
    worker.unref();
    return worker;
  }

  /**
   * The posts the thread had fail (their deliveries are retried once their leases lapse); later ones go to a new
   * thread, unless the sender is closing or the thread died before it ever ran (it would only die again).
   */
  private lost(worker: Worker, ran: boolean, error: Error): void {
    if (worker !== this.worker) return;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    this.outgoing = [];
    if (this.dead) return;
    if (ran) this.worker = this.start();
    else this.dead = error;
  }

  private flush(): void {
    if (this.outgoing.length === 0) return;
    const request: SenderRequest = { type: 'posts', json: JSON.stringify(this.outgoing) };
    this.outgoing = [];
    this.worker.postMessage(request);
  }
}
