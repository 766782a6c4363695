/**
 * The accept writer that runs the accept transaction in this process, on one of the engine's connections: for engines
 * whose commits do not block the event loop (PostgreSQL's driver is asynchronous). Group commit sits in front of it.
 */
import type { StoredResponse } from '../store.js';
import type { AcceptJob, AcceptWriter, ItemOutcome, RequestOutcome } from './accept-writer.js';
import { createAcceptTransaction, type AcceptTransaction } from './sql-accept.js';
import type { SqlEngine } from './sql-engine.js';

function responseOf(job: AcceptJob | undefined, items: readonly ItemOutcome[]): StoredResponse {
  if (!job?.respond) throw new Error('an idempotent accept request came without a way to build its response');
  return job.respond(items);
}

export class InProcessAcceptWriter implements AcceptWriter {
  private readonly accept: AcceptTransaction;
  readonly alive = true;

  constructor(engine: SqlEngine) {
    this.accept = createAcceptTransaction(engine);
  }

  commit(jobs: readonly AcceptJob[]): Promise<RequestOutcome[]> {
    return this.accept(jobs.map((j) => j.request), (index, items) => responseOf(jobs[index], items));
  }

  async close(): Promise<void> {}
}
