/**
 * Idempotency-Key claims and outcomes. The outcome is a row of `idempotency_keys`, written by the accept transaction
 * (or `complete`) only while no live outcome is stored under the key. A claim keeps a concurrent duplicate out while
 * the first request runs: in memory where one process owns the store, or as a claim row in the store where several
 * processes share it (`sharedAcrossProcesses`), which the outcome replaces and a release or the claim's lapse frees.
 */
import type { Kysely, Selectable } from 'kysely';
import { IDEMPOTENCY_CLAIM_MS, IDEMPOTENCY_TTL_MS, type IdempotencyRecord } from '../../domain/idempotency.js';
import type { IdempotencyCompletion, StoredResponse } from '../store.js';
import type { Database, IdempotencyKeysTable } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

/** The status code a claim row carries: never an HTTP status, so no stored outcome can be taken for a claim. */
const CLAIM_STATUS = 0;

type KeyOf = Pick<IdempotencyCompletion, 'accountId' | 'key'>;
type Completion = Omit<IdempotencyCompletion, 'respond'>;

/**
 * The write of `response` as the key's outcome. It changes no row when a live outcome is stored under the key, so
 * the first outcome wins; an expired outcome or a claim (whoever holds it) is replaced.
 */
export function saveOutcomeQuery(db: Kysely<Database>, c: Completion, response: StoredResponse, now: number) {
  return upsertUnless(db, { ...c, statusCode: response.statusCode, body: JSON.stringify(response.body), now }, now - IDEMPOTENCY_TTL_MS);
}

/** Inserts the row, or replaces the one there when it is a claim as old as `claimsBefore` or an outcome as old as `expiredAt`. */
function upsertUnless(
  db: Kysely<Database>,
  r: Completion & { readonly statusCode: number; readonly body: string; readonly now: number },
  expiredAt: number,
  claimsBefore = Number.MAX_SAFE_INTEGER,
) {
  return db.insertInto('idempotency_keys')
    .values({ account_id: r.accountId, idempotency_key: r.key, request_hash: r.requestHash, status_code: r.statusCode, body: r.body, created_at: r.now })
    .onConflict((oc) => oc.columns(['account_id', 'idempotency_key'])
      .doUpdateSet((eb) => ({
        request_hash: eb.ref('excluded.request_hash'), status_code: eb.ref('excluded.status_code'),
        body: eb.ref('excluded.body'), created_at: eb.ref('excluded.created_at'),
      }))
      .where((eb) => eb.or([
        eb('idempotency_keys.created_at', '<=', expiredAt),
        eb.and([eb('idempotency_keys.status_code', '=', CLAIM_STATUS), eb('idempotency_keys.created_at', '<=', claimsBefore)]),
      ])));
}

function toRecord(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  if (row.status_code === CLAIM_STATUS) return { requestHash: row.request_hash, state: 'in_progress', createdAt: row.created_at };
  return { requestHash: row.request_hash, state: 'done', statusCode: row.status_code, body: JSON.parse(row.body), createdAt: row.created_at };
}

export class SqlIdempotency {
  /** The claims in flight when this process is the store's only user; undefined when they are rows in the store. */
  private readonly inFlight: Map<string, IdempotencyRecord> | undefined;

  constructor(private readonly engine: SqlEngine) {
    // In memory where it can be: a claim row would be one more write on the request path, and on SQLite a write of the
    // main thread's connection waits (synchronously) for the writer thread's commit.
    this.inFlight = engine.capabilities.sharedAcrossProcesses ? undefined : new Map();
  }

  /** Claims the key for one request: undefined when it was free (or expired) and is now claimed, else what holds it. */
  async claim(accountId: string, key: string, requestHash: string, now: number): Promise<IdempotencyRecord | undefined> {
    if (!this.inFlight) return this.claimInStore({ accountId, key, requestHash }, now);
    const stored = await this.read({ accountId, key });
    if (stored?.state === 'done' && now - stored.createdAt < IDEMPOTENCY_TTL_MS) return stored;
    const held = this.inFlight.get(memoryKey({ accountId, key }));
    if (held) return held;
    this.inFlight.set(memoryKey({ accountId, key }), { requestHash, state: 'in_progress', createdAt: now });
    return undefined;
  }

  /** Frees a claim whose request stored no outcome; an outcome stays. */
  async release(accountId: string, key: string): Promise<void> {
    if (this.inFlight) return void this.inFlight.delete(memoryKey({ accountId, key }));
    await this.engine.db.deleteFrom('idempotency_keys')
      .where('account_id', '=', accountId).where('idempotency_key', '=', key).where('status_code', '=', CLAIM_STATUS).execute();
  }

  /** Stores the outcome of a request that accepted nothing (unless another outcome is live) and ends its claim. */
  async complete(c: Completion, response: StoredResponse, now: number): Promise<void> {
    await saveOutcomeQuery(this.engine.db, c, response, now).execute();
    this.settled(c);
  }

  /** The accept transaction stored the request's outcome: its claim ends with it. */
  settled(c: KeyOf): void {
    this.inFlight?.delete(memoryKey(c));
  }

  private async claimInStore(c: Completion, now: number): Promise<IdempotencyRecord | undefined> {
    const claim = { ...c, statusCode: CLAIM_STATUS, body: 'null', now };
    // A second try covers a row released or replaced between the refused write and the read.
    for (let attempt = 0; attempt < 2; attempt++) {
      const written = await upsertUnless(this.engine.db, claim, now - IDEMPOTENCY_TTL_MS, now - IDEMPOTENCY_CLAIM_MS).executeTakeFirst();
      if (Number(written.numInsertedOrUpdatedRows ?? 0n) > 0) return undefined;
      const holder = await this.read(c);
      if (holder) return holder;
    }
    return { requestHash: c.requestHash, state: 'in_progress', createdAt: now };
  }

  private async read(c: KeyOf): Promise<IdempotencyRecord | undefined> {
    const row = await this.engine.db.selectFrom('idempotency_keys').selectAll()
      .where('account_id', '=', c.accountId).where('idempotency_key', '=', c.key).executeTakeFirst();
    return row && toRecord(row);
  }
}

function memoryKey(c: KeyOf): string {
  return `${c.accountId}\n${c.key}`;
}
