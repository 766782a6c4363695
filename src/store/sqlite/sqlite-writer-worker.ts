/**
 * The SQLite writer thread: runs the shared accept transaction (store/sql/sql-accept.ts) once per group on its own
 * connection, so the fsync of a durable commit never blocks the event loop that serves requests. An idempotent
 * request's stored response is built by the main thread from the decided items: this thread asks for it and waits,
 * still inside the transaction.
 */
import Database from 'better-sqlite3';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { StoredResponse } from '../store.js';
import type { AcceptRequest, ItemOutcome, RequestOutcome } from '../sql/accept-writer.js';
import { createAcceptTransaction } from '../sql/sql-accept.js';
import { createSqliteEngine } from './sqlite-engine.js';
import type { WriterData, WriterReply, WriterRequest } from './sqlite-writer.js';

/** How long the transaction waits for the main thread to build a response before giving up (and rolling back). */
const RESPOND_TIMEOUT_MS = 10_000;

const data = workerData as WriterData;
const port = parentPort!;
const db = new Database(data.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');

const commitGroup = createAcceptTransaction(createSqliteEngine(db));
const responses: MessagePort = data.responses;
const signal = new Int32Array(data.signal);
/** Groups commit one after another, in the order they came. */
let previous: Promise<unknown> = Promise.resolve();

function respond(seq: number, requestIndex: number, items: readonly ItemOutcome[]): StoredResponse {
  Atomics.store(signal, 0, 0);
  const ask: WriterReply = { type: 'respond', seq, requestIndex, items };
  port.postMessage(ask);
  if (Atomics.wait(signal, 0, 0, RESPOND_TIMEOUT_MS) === 'timed-out') throw new Error('the main thread did not answer with a response');
  const answer = receiveMessageOnPort(responses);
  if (!answer) throw new Error('the main thread signalled without a response');
  return answer.message as StoredResponse;
}

async function commit(seq: number, requests: AcceptRequest[]): Promise<void> {
  try {
    const outcomes: RequestOutcome[] = await commitGroup(requests, (index, items) => respond(seq, index, items));
    port.postMessage({ type: 'committed', seq, outcomes } satisfies WriterReply);
  } catch (error) {
    port.postMessage({ type: 'failed', seq, error: error instanceof Error ? error.message : String(error) } satisfies WriterReply);
  }
}

port.on('message', (message: WriterRequest) => {
  if (message.type === 'close') {
    previous = previous.then(() => {
      db.close();
      port.postMessage({ type: 'closed' } satisfies WriterReply);
    });
    return;
  }
  previous = previous.then(() => commit(message.seq, JSON.parse(message.json) as AcceptRequest[]));
});
