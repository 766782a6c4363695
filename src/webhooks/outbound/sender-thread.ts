/**
 * The thread that posts customer webhooks for the main thread (threaded-sender.ts): undici, the sockets and the
 * answers' reads happen here, so the main thread only claims, signs and settles. Posts arrive in batches and their
 * results go back in batches, one message each way per turn of the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HttpWebhookSender, type HttpWebhookSenderOptions } from './webhook-sender.js';
import type { NumberedPost, NumberedResult, SenderReply, SenderRequest } from './threaded-sender.js';
import type { AttemptResult } from '../../store/webhook-store.js';

const port = parentPort!;
const sender = new HttpWebhookSender(workerData as HttpWebhookSenderOptions);
let results: NumberedResult[] = [];

function answer(seq: number, result: AttemptResult): void {
  if (results.push({ seq, result }) > 1) return;
  setImmediate(() => {
    const reply: SenderReply = { type: 'results', json: JSON.stringify(results) };
    results = [];
    port.postMessage(reply);
  });
}

port.on('message', (request: SenderRequest) => {
  if (request.type === 'close') {
    void sender.close().then(() => port.postMessage({ type: 'closed' } satisfies SenderReply));
    return;
  }
  for (const { seq, message } of JSON.parse(request.json) as NumberedPost[]) void sender.post(message).then((result) => answer(seq, result));
});
port.postMessage({ type: 'ready' } satisfies SenderReply);
