/**
 * The retention conformance suite every engine runs: each table loses exactly the rows domain/retention.ts lets go,
 * in bounded batches, and ledger compaction keeps every account's ledger summing to its balance.
 */
import type { Insertable, Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGE_STATES } from '../domain/message-state.js';
import { DEFAULT_RETENTION, decideRetention, type RetainedTable, type RetentionFacts } from '../domain/retention.js';
import { Pruner } from '../runtime/pruner.js';
import type { Database } from './sql/schema.js';
import { RetentionStore } from './sql/retention-store.js';
import type { SqlEngine } from './sql/sql-engine.js';

export interface RetentionEngine {
  readonly engine: SqlEngine;
  dispose(): Promise<void>;
}

const DAY = 24 * 3600 * 1000;
const now = Date.parse('2026-06-01T12:00:00Z');
const policy = DEFAULT_RETENTION;
/** One row just past each table's horizon, one just within it. */
const ages = (table: RetainedTable) => [now - policy[table], now - policy[table] + 1];

/** Rows written with the facts that decide their fate, and the ids that must survive. */
class Seeder {
  readonly expectedKept = new Map<string, Set<string>>();
  private n = 0;

  constructor(private readonly db: Kysely<Database>) {}

  private expect(table: string, id: string, facts: RetentionFacts): void {
    const kept = this.expectedKept.get(table) ?? new Set<string>();
    if (decideRetention(facts, policy, now).kind === 'keep') kept.add(id);
    this.expectedKept.set(table, kept);
  }

  id(prefix: string): string {
    return `${prefix}_${String(++this.n).padStart(6, '0')}`;
  }

  async messages(): Promise<void> {
    for (const at of ages('messages'))
      for (const state of MESSAGE_STATES)
        for (const hasJob of [false, true]) {
          const id = this.id('msg');
          await this.db.insertInto('messages').values({
            id, account_id: 'acct_1', number_id: 'num_1', recipient: '4915100000000', type: 'text', status: state, payload: '{}',
            status_times: '{}', created_at: at, updated_at: at,
          }).execute();
          if (hasJob) await this.db.insertInto('outbox').values({ id: this.id('job'), message_id: id, number_id: 'num_1', due_at: at, attempts: 0, created_at: at }).execute();
          this.expect('messages', id, { table: 'messages', at, state, hasJob });
        }
  }

  async delivery(eventId: string, at: number, pending: boolean): Promise<string> {
    const id = this.id('dlv');
    await this.db.insertInto('webhook_deliveries').values({
      id, event_id: eventId, endpoint_id: this.id('ep'), account_id: 'acct_1', status: pending ? 'pending' : 'delivered', attempts: 1, created_at: at, updated_at: at,
    }).execute();
    this.expect('webhook_deliveries', id, { table: 'webhook_deliveries', at, pending });
    return id;
  }

  /** Events with and without fan-out, and with a delivery that is kept (recent) or itself pruned first (old, finished). */
  async eventsAndDeliveries(): Promise<void> {
    for (const at of ages('events'))
      for (const fannedOut of [false, true])
        for (const delivery of ['none', 'kept', 'pruned'] as const) {
          const id = this.id('evt');
          await this.db.insertInto('events').values({ id, account_id: 'acct_1', type: 'message.sent', payload: '{}', created_at: at, fanned_out_at: fannedOut ? at : null }).execute();
          if (delivery !== 'none') await this.delivery(id, delivery === 'kept' ? now : now - policy.webhook_deliveries, false);
          this.expect('events', id, { table: 'events', at, fannedOut, hasDeliveries: delivery === 'kept' });
        }
    for (const at of ages('webhook_deliveries')) for (const pending of [false, true]) await this.delivery('evt_none', at, pending);
  }

  async timedRows(): Promise<void> {
    for (const at of ages('webhook_attempts')) {
      const id = this.id('atmpt');
      await this.db.insertInto('webhook_attempts').values({ id, endpoint_id: 'ep_1', event_id: 'evt_1', url: 'https://x', trigger: 'scheduled', outcome: 'ok', duration_ms: 1, created_at: at }).execute();
      this.expect('webhook_attempts', id, { table: 'webhook_attempts', at });
    }
    for (const at of ages('idempotency_keys')) {
      const id = this.id('idem');
      await this.db.insertInto('idempotency_keys').values({ account_id: 'acct_1', idempotency_key: id, request_hash: 'h', status_code: 202, body: '{}', created_at: at }).execute();
      this.expect('idempotency_keys', id, { table: 'idempotency_keys', at });
    }
    for (const at of ages('inbound_messages')) {
      const id = this.id('wamid');
      await this.db.insertInto('inbound_messages').values({ wamid: id, number_id: 'num_1', sender: '4915100000000', type: 'text', payload: '{}', received_at: at }).execute();
      this.expect('inbound_messages', id, { table: 'inbound_messages', at });
    }
    for (const at of ages('media')) {
      const id = this.id('med');
      await this.db.insertInto('media').values({ id, account_id: 'acct_1', mime_type: 'image/png', bytes: 2, sha256: 'x', created_at: at }).execute();
      await this.db.insertInto('media_chunks').values([0, 1].map((seq) => ({ media_id: id, seq, content: new Uint8Array([seq]) }))).execute();
      this.expect('media', id, { table: 'media', at });
    }
    for (const at of ages('meta_webhooks'))
      for (const applied of [false, true]) {
        const id = this.id('mwh');
        await this.db.insertInto('meta_webhooks').values({ id, received_at: at, body: '{}', applied_at: applied ? at : null }).execute();
        this.expect('meta_webhooks', id, { table: 'meta_webhooks', at, applied });
      }
  }
}

async function survivors(db: Kysely<Database>): Promise<Map<string, Set<string>>> {
  const ids = async (query: Promise<{ id: string }[]>) => new Set((await query).map((r) => r.id));
  return new Map([
    ['messages', await ids(db.selectFrom('messages').select('id').execute())],
    ['events', await ids(db.selectFrom('events').select('id').execute())],
    ['webhook_deliveries', await ids(db.selectFrom('webhook_deliveries').select('id').execute())],
    ['webhook_attempts', await ids(db.selectFrom('webhook_attempts').select('id').execute())],
    ['idempotency_keys', await ids(db.selectFrom('idempotency_keys').select('idempotency_key as id').execute())],
    ['inbound_messages', await ids(db.selectFrom('inbound_messages').select('wamid as id').execute())],
    ['media', await ids(db.selectFrom('media').select('id').execute())],
    ['meta_webhooks', await ids(db.selectFrom('meta_webhooks').select('id').execute())],
  ]);
}

function pruner(engine: SqlEngine, batchRows: number): Pruner {
  return new Pruner({ store: new RetentionStore(engine), config: { policy, batchRows, pauseMs: 0, intervalMs: 60_000, retryAfterErrorMs: 60_000 }, now: () => now, onError: () => undefined });
}

async function pruneUntilCaughtUp(p: Pruner): Promise<number> {
  let rounds = 1;
  while (await p.pruneRound()) rounds += 1;
  return rounds;
}

export function describeRetentionConformance(name: string, open: () => Promise<RetentionEngine>): void {
  describe(`Retention conformance: ${name}`, () => {
    let opened: RetentionEngine;
    let engine: SqlEngine;
    let db: Kysely<Database>;
    beforeEach(async () => {
      opened = await open();
      engine = opened.engine;
      db = engine.db;
      await db.insertInto('accounts').values({ id: 'acct_1', name: 't', state: 'active', ip_allow_list: '[]', credit: 0, created_at: 0, updated_at: 0 }).execute();
    });
    afterEach(() => opened.dispose());

    it('prunes each table past its horizon and nothing that is still in use or within it', async () => {
      const seed = new Seeder(db);
      await seed.messages();
      await seed.eventsAndDeliveries();
      await seed.timedRows();
      // Batches of 2 rows: every table needs several rounds, so the walk from one batch to the next is exercised.
      expect(await pruneUntilCaughtUp(pruner(engine, 2))).toBeGreaterThan(2);
      const left = await survivors(db);
      for (const [table, kept] of seed.expectedKept) expect({ table, ids: [...left.get(table)!].sort() }).toEqual({ table, ids: [...kept].sort() });
      // Chunks went with their uploads, and only with them.
      const chunks = await db.selectFrom('media_chunks').select('media_id').distinct().execute();
      expect(chunks.map((c) => c.media_id).sort()).toEqual([...seed.expectedKept.get('media')!].sort());
    });

    it('removes at most one batch of rows per statement, oldest first', async () => {
      const old = now - policy.webhook_attempts - DAY;
      await db.insertInto('webhook_attempts').values(Array.from({ length: 5 }, (_, i) => ({
        id: `atmpt_${i}`, endpoint_id: 'ep_1', event_id: 'evt_1', url: 'https://x', trigger: 'scheduled', outcome: 'ok', duration_ms: 1, created_at: old + (4 - i),
      }))).execute();
      const store = new RetentionStore(engine);
      const cutoff = now - policy.webhook_attempts;
      expect(await store.pruneBatch('webhook_attempts', cutoff, 2)).toBe(2);
      const left = await db.selectFrom('webhook_attempts').select('id').orderBy('id').execute();
      expect(left.map((r) => r.id)).toEqual(['atmpt_0', 'atmpt_1', 'atmpt_2']);
      expect(await store.pruneBatch('webhook_attempts', cutoff, 2)).toBe(2);
      expect(await store.pruneBatch('webhook_attempts', cutoff, 2)).toBe(1);
      expect(await store.pruneBatch('webhook_attempts', cutoff, 2)).toBe(0);
    });

    it('folds old ledger rows into one balance-forward row per account, keeping every balance exact', async () => {
      const old = now - policy.credit_ledger - DAY;
      const recent = now - DAY;
      const rows: Insertable<Database['credit_ledger']>[] = [];
      const row = (account: string, kind: string, amount: number, at: number, messageId: string | null = null) =>
        rows.push({ id: `led_${rows.length}`, account_id: account, message_id: messageId, kind, amount, note: null, created_at: at });
      await db.insertInto('accounts').values({ id: 'acct_2', name: 't', state: 'active', ip_allow_list: '[]', credit: 0, created_at: 0, updated_at: 0 }).execute();
      for (const account of ['acct_1', 'acct_2']) {
        row(account, 'topup', 1000, old);
        for (let i = 0; i < 7; i++) {
          const message = `${account}_msg_${i}`;
          row(account, 'reserve', -3, old + i, message);
          row(account, i % 2 === 0 ? 'settle' : 'refund', i % 2 === 0 ? 0 : 3, old + i + 1, message);
        }
        // Not yet settled: both outcome statements still need this reservation.
        row(account, 'reserve', -5, old + 20, `${account}_pending`);
        row(account, 'adjust', -10, recent);
      }
      await db.insertInto('credit_ledger').values(rows).execute();
      const sums = async () => (await db.selectFrom('credit_ledger').select('account_id').select((eb) => eb.fn.sum<number>('amount').as('sum'))
        .groupBy('account_id').orderBy('account_id').execute()).map((r) => [r.account_id, Number(r.sum)]);
      const before = await sums();

      const p = pruner(engine, 4);
      await pruneUntilCaughtUp(p);

      expect(await sums()).toEqual(before);
      for (const account of ['acct_1', 'acct_2']) {
        const left = await db.selectFrom('credit_ledger').select(['kind', 'amount', 'message_id']).where('account_id', '=', account).orderBy('created_at').execute();
        expect(left.map((r) => [r.kind, Number(r.amount), r.message_id])).toEqual([
          ['forward', 1000 - 7 * 3 + 3 * 3, null],
          ['reserve', -5, `${account}_pending`],
          ['adjust', -10, null],
        ]);
      }
      expect(p.totals.credit_ledger).toBeGreaterThan(15 * 2);
    });

    it('writes no balance forward when another fold took some of its rows between its read and its write', async () => {
      const old = now - policy.credit_ledger - DAY;
      await db.insertInto('credit_ledger').values(Array.from({ length: 6 }, (_, i) => ({
        id: `led_${i}`, account_id: 'acct_1', message_id: null, kind: 'topup', amount: 10 + i, note: null, created_at: old + i,
      }))).execute();
      const cutoff = now - policy.credit_ledger;
      let otherFolded: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (otherFolded = resolve));
      const late: SqlEngine = { ...engine, runAtomically: async (queries) => (await held, engine.runAtomically(queries)) };
      // The late fold reads all six rows, then the other folds the oldest four before the late one writes.
      const lateFold = new RetentionStore(late).compactLedger('acct_1', cutoff, 6);
      expect(await new RetentionStore(engine).compactLedger('acct_1', cutoff, 4)).toBe(4);
      otherFolded();
      expect(await lateFold).toBe(0);
      const left = await db.selectFrom('credit_ledger').select(['kind', 'amount']).where('account_id', '=', 'acct_1').orderBy('created_at').execute();
      expect(left.map((r) => [r.kind, Number(r.amount)])).toEqual([['forward', 10 + 11 + 12 + 13], ['topup', 14], ['topup', 15]]);
    });
  });
}
