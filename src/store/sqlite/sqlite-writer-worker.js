// The SQLite writer thread: commits accepted messages, their outbox jobs, credit debits and idempotency records in
// one transaction per group, so the fsync of a durable commit never blocks the event loop that serves requests.
// Plain JavaScript on purpose: a worker thread does not inherit the TypeScript loader of its parent.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');

const insertMessage = db.prepare(
  `INSERT INTO messages (id, account_id, number_id, recipient, type, status, payload, status_times, wamid, error, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
);
const insertJob = db.prepare(
  'INSERT INTO outbox (id, message_id, number_id, due_at, attempts, lease_owner, lease_expires_at, created_at) VALUES (?, ?, ?, ?, 0, NULL, NULL, ?)',
);
// message.accepted joins the event outbox in the same transaction; its id is the message id's under `evt_` (one
// accepted event per message, time-ordered like the message), since this thread cannot reach the TypeScript id helper.
const insertAcceptedEvent = db.prepare(
  `INSERT INTO events (id, account_id, type, subject_id, payload, created_at) VALUES (?, ?, 'message.accepted', ?, ?, ?)`,
);
const debit = db.prepare('UPDATE accounts SET credit = credit - ? WHERE id = ? AND credit IS NOT NULL');
// The reservation's ledger row (migration 004); settled or refunded by dispatch (sqlite-credit.ts).
const reserve = db.prepare("INSERT INTO credit_ledger (id, account_id, message_id, kind, amount, note, created_at) VALUES (?, ?, ?, 'reserve', ?, NULL, ?)");
const saveIdempotency = db.prepare(
  'INSERT OR REPLACE INTO idempotency_keys (account_id, idempotency_key, request_hash, status_code, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
);

const commitGroup = db.transaction((requests) => {
  for (const r of requests) {
    for (const m of r.messages) {
      if (m.creditCost > 0) {
        debit.run(m.creditCost, m.accountId);
        reserve.run(`led_reserve_${m.id}`, m.accountId, m.id, -m.creditCost, r.now);
      }
      insertMessage.run(m.id, m.accountId, m.numberId, m.to, m.type, m.status, m.payload, m.statusTimes, r.now, r.now);
      insertJob.run(m.jobId, m.id, m.numberId, r.now, r.now);
      insertAcceptedEvent.run(`evt_${m.id.slice(4)}`, m.accountId, m.id, m.acceptedEvent, r.now);
    }
    const i = r.idempotency;
    if (i) saveIdempotency.run(i.accountId, i.key, i.requestHash, i.statusCode, i.body, r.now);
  }
});

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    parentPort.postMessage({ type: 'closed' });
    return;
  }
  try {
    commitGroup(JSON.parse(message.json));
    parentPort.postMessage({ type: 'committed', seq: message.seq });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', seq: message.seq, error: error instanceof Error ? error.message : String(error) });
  }
});
