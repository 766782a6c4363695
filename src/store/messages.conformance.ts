/**
 * The conformance cases of the message port (accept through the one accept transaction, reads with paging) and of
 * Idempotency-Key claims, run once per engine from this one set, each engine with the accept writer its store uses.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, type EngineName } from '../../test/helpers/engines.js';
import { IDEMPOTENCY_CLAIM_MS, IDEMPOTENCY_TTL_MS } from '../domain/idempotency.js';
import { createSecretBox } from './secret-box.js';
import type { AcceptWriter } from './sql/accept-writer.js';
import { SqlAccounts } from './sql/sql-accounts.js';
import { InProcessAcceptWriter } from './sql/sql-accept-writer.js';
import type { SqlEngine } from './sql/sql-engine.js';
import { SqlIdempotency } from './sql/sql-idempotency.js';
import { SqlMessages } from './sql/sql-messages.js';
import { SqliteWriter } from './sqlite/sqlite-writer.js';
import type { AcceptAdmission, AcceptItem, AcceptResult, IdempotencyCompletion } from './store.js';

/** The writer each engine's store commits accepts with: SQLite's writer thread on the same file, or in-process. */
const WRITERS: Record<EngineName, (engine: SqlEngine) => Promise<AcceptWriter>> = {
  sqlite: async (engine) => {
    const [main] = (await sql<{ file: string }>`PRAGMA database_list`.execute(engine.db)).rows;
    return new SqliteWriter(main!.file);
  },
  postgres: async (engine) => new InProcessAcceptWriter(engine),
};

const kinds = (results: readonly AcceptResult[]) => results.map((r) => (r.kind === 'accepted' ? 'accepted' : r.error.entry.code));
const idOf = (result: AcceptResult | undefined) => (result?.kind === 'accepted' ? result.id : undefined);

export function describeMessagesConformance(): void {
  describeEachEngine('Messages and idempotency conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    const writers: AcceptWriter[] = [];
    let messages: SqlMessages;
    let accounts: SqlAccounts;
    let idempotency: SqlIdempotency;
    const committed: string[] = [];

    /** A store's message port on the block's engine; writers run side by side only where the engine has several. */
    async function openMessages(): Promise<SqlMessages> {
      const writer = await WRITERS[current().name](current().engine);
      writers.push(writer);
      return new SqlMessages(current().engine, writer, {
        maxGroupItems: 64,
        onCommitted: (c) => (c.idempotency ? committed.push(c.idempotency.key) : undefined),
      });
    }

    beforeAll(async () => {
      accounts = new SqlAccounts(current().engine, { secrets: createSecretBox('messages-conformance-secret') });
      idempotency = new SqlIdempotency(current().engine);
      messages = await openMessages();
    });
    afterAll(async () => {
      for (const writer of writers) await writer.close();
    });

    let serial = 0;
    async function tenant(credit: number | null = null) {
      const account = await accounts.createAccount({ name: 't', credit }, now);
      const number = await accounts.createNumber({ phoneNumberId: `${now}${(serial += 1)}`, displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id }, now);
      const item = (to: string, extra: Partial<AcceptItem> = {}): AcceptItem =>
        ({ accountId: account.id, numberId: number.id, to, type: 'text', payload: { text: { body: 'hi' } }, creditCost: 0, ...extra });
      return { account, number, item };
    }
    const db = () => current().engine.db;
    const count = async (rows: Promise<readonly { n: string | number | bigint }[]>) => Number((await rows)[0]!.n);
    const countOf = (table: 'messages' | 'outbox' | 'events' | 'credit_ledger' | 'spam_texts', accountId: string) =>
      count(table === 'outbox'
        ? db().selectFrom('outbox').innerJoin('messages', 'messages.id', 'outbox.message_id').where('messages.account_id', '=', accountId)
          .select((eb) => eb.fn.countAll().as('n')).execute()
        : db().selectFrom(table).where('account_id', '=', accountId).select((eb) => eb.fn.countAll().as('n')).execute());

    it('accepts a message with its outbox job, due now, and its message.accepted event under the message id', async () => {
      const { account, number, item } = await tenant();
      const other = await tenant();
      const [result] = await messages.accept([item('4915112345678', { type: 'template', payload: { template: { name: 't' } } })], now, undefined);
      expect(result).toEqual({ kind: 'accepted', id: expect.stringMatching(/^msg_/), createdAt: now });
      const id = idOf(result)!;
      expect(await messages.get(account.id, id)).toEqual({
        id, accountId: account.id, numberId: number.id, to: '4915112345678', type: 'template', status: 'accepted',
        payload: { template: { name: 't' } }, statusTimes: { accepted: now }, wamid: null, error: null, createdAt: now, updatedAt: now,
        delivery: { sendAt: null, expiresAt: null, priority: 'normal', clientRef: null, metadata: null },
      });
      expect(await messages.get(other.account.id, id)).toBeUndefined();
      expect(await messages.get(account.id, 'msg_missing')).toBeUndefined();
      expect(await db().selectFrom('outbox').select(['message_id', 'number_id', 'due_at', 'attempts', 'lease_owner']).where('message_id', '=', id).execute())
        .toEqual([{ message_id: id, number_id: number.id, due_at: now, attempts: 0, lease_owner: null }]);
      const events = await db().selectFrom('events').select(['id', 'type', 'subject_id', 'payload', 'created_at']).where('account_id', '=', account.id).execute();
      expect(events).toEqual([{
        id: `evt_${id.slice('msg_'.length)}`, type: 'message.accepted', subject_id: id, created_at: now,
        payload: JSON.stringify({ message_id: id, number_id: number.id, to: '4915112345678', type: 'template' }),
      }]);
      expect(await messages.accept([], now, undefined)).toEqual([]);
      expect(messages.writable).toBe(true);
    });

    it('stores a scheduled message with its delivery fields: job due at send_at in its lane and rank, reference echoed, listable by it', async () => {
      const { account, item } = await tenant();
      const sendAt = now + 3_600_000;
      const delivery = { sendAt, expiresAt: sendAt + 300_000, priority: 'bulk', clientRef: 'order-1', metadata: { customer: 'c_1', n: 2 } } as const;
      const [scheduled, plain] = await messages.accept([item('4915112345678', { delivery }), item('4915112345679', { delivery: { ...delivery, sendAt: null, expiresAt: null, priority: 'high', clientRef: 'other' } })], now, undefined);
      const id = idOf(scheduled)!;
      expect(await messages.get(account.id, id)).toMatchObject({ status: 'scheduled', statusTimes: { scheduled: now }, delivery });
      expect(await db().selectFrom('outbox').select(['due_at', 'lane', 'rank_at', 'expires_at']).where('message_id', '=', id).executeTakeFirst())
        .toEqual({ due_at: sendAt, lane: 2, rank_at: sendAt + 300_000, expires_at: sendAt + 300_000 });
      expect(await db().selectFrom('outbox').select(['due_at', 'lane', 'rank_at']).where('message_id', '=', idOf(plain)!).executeTakeFirst())
        .toEqual({ due_at: now, lane: 0, rank_at: now });
      const event = await db().selectFrom('events').select('payload').where('subject_id', '=', id).executeTakeFirstOrThrow();
      expect(JSON.parse(event.payload)).toMatchObject({ client_ref: 'order-1', metadata: { customer: 'c_1', n: 2 } });
      const listed = await messages.list(account.id, { clientRef: 'order-1', limit: 10 });
      expect(listed.messages.map((m) => m.id)).toEqual([id]);
    });

    it('lists an account\u2019s messages newest first, page by page, by status, recipient, number and time', async () => {
      const { account, number, item } = await tenant();
      const second = await accounts.createNumber({ phoneNumberId: `${now}${(serial += 1)}`, displayPhoneNumber: '+2', wabaId: 'w', accountId: account.id }, now);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const [r] = await messages.accept([item(`49151${i % 2}`, i === 4 ? { numberId: second.id } : {})], now + i, undefined);
        ids.push(idOf(r)!);
      }
      await db().updateTable('messages').set({ status: 'sent' }).where('id', '=', ids[1]!).execute();
      const first = await messages.list(account.id, { limit: 2 });
      expect(first.messages.map((m) => m.id)).toEqual([ids[4], ids[3]]);
      expect(first.nextCursor).toBe(ids[3]);
      const rest = await messages.list(account.id, { limit: 3, cursor: first.nextCursor! });
      expect(rest).toEqual({ messages: expect.any(Array), nextCursor: null });
      expect(rest.messages.map((m) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
      const list = async (filter: object) => (await messages.list(account.id, { limit: 10, ...filter })).messages.map((m) => m.id);
      expect(await list({ status: 'sent' })).toEqual([ids[1]]);
      expect(await list({ to: '491511' })).toEqual([ids[3], ids[1]]);
      expect(await list({ numberId: second.id })).toEqual([ids[4]]);
      expect(await list({ numberId: number.id, since: now + 1, until: now + 3 })).toEqual([ids[2], ids[1]]);
      expect((await messages.list((await tenant()).account.id, { limit: 10 })).messages).toEqual([]);
    });

    it('debits prepaid credit with a reserve row per message, and refuses what the balance does not cover, writing nothing for it', async () => {
      const { account, item } = await tenant(2);
      const results = await messages.accept([1, 2, 3].map((i) => item(`4915${i}`, { creditCost: 1 })), now, undefined);
      expect(kinds(results)).toEqual(['accepted', 'accepted', 'insufficient_credit']);
      expect((await accounts.getAccount(account.id))?.credit).toBe(0);
      const ledger = await db().selectFrom('credit_ledger').select(['id', 'message_id', 'kind', 'amount']).where('account_id', '=', account.id).orderBy('id').execute();
      expect(ledger).toEqual(results.slice(0, 2).map((r) => ({ id: `led_reserve_${idOf(r)}`, message_id: idOf(r), kind: 'reserve', amount: -1 })).sort((a, b) => a.id.localeCompare(b.id)));
      expect(await countOf('messages', account.id)).toBe(2);
      expect(await countOf('outbox', account.id)).toBe(2);
      expect(await countOf('events', account.id)).toBe(2);
      // Off prepaid credit (no balance), nothing is debited whatever the cost says.
      const free = await tenant(null);
      expect(kinds(await messages.accept([free.item('49151', { creditCost: 5 })], now, undefined))).toEqual(['accepted']);
      expect(await countOf('credit_ledger', free.account.id)).toBe(0);
    });

    it('counts the same text once per recipient per UTC day against the spam threshold, and forgets older days', async () => {
      const { account, item } = await tenant();
      const send = async (to: string, at: number, day: string) =>
        kinds(await messages.accept([item(to, { admission: { spam: { day, textHash: 'h', threshold: 1 } } })], at, undefined))[0];
      expect(await send('x', now, '2026-06-01')).toBe('accepted');
      expect(await send('x', now + 1, '2026-06-01')).toBe('accepted');
      expect(await send('y', now + 2, '2026-06-01')).toBe('spam_control_threshold_exceeded');
      expect(await send('y', now + 3, '2026-06-02')).toBe('accepted');
      const days = await db().selectFrom('spam_texts').select(['day', 'recipient']).where('account_id', '=', account.id).execute();
      expect(days).toEqual([{ day: '2026-06-02', recipient: 'y' }]);
    });

    it('counts template recipients over a rolling window, oldest first, frees a slot as the oldest leaves it, and never counts a failed or canceled send', async () => {
      const { account, number, item } = await tenant();
      // Template sends that failed or were canceled reached nobody.
      for (const status of ['failed', 'canceled'])
        await db().insertInto('messages').values({
          id: `msg_${status}_before_${account.id}`, account_id: account.id, number_id: number.id, recipient: `z${status}`, type: 'template', status,
          payload: '{}', status_times: '{}', created_at: 5, updated_at: 5,
        }).execute();
      const send = async (to: string, at: number) =>
        kinds(await messages.accept([item(to, { type: 'template', admission: { messaging: { tier: 2, since: at - 100 } } })], at, undefined))[0];
      expect(await send('a', 10)).toBe('accepted');
      expect(await send('b', 20)).toBe('accepted');
      expect(await send('c', 30)).toBe('messaging_limit_reached');
      expect(await send('a', 40)).toBe('accepted'); // already reached: moves to the end
      expect(await send('c', 115)).toBe('messaging_limit_reached'); // b (20) is still inside the window
      expect(await send('c', 121)).toBe('accepted'); // b left it
    });

    it('counts nothing for a send the same transaction refuses for credit', async () => {
      const { account, item } = await tenant(0);
      const both = (at: number): AcceptAdmission => ({ spam: { day: 'd', textHash: 'h', threshold: 1 }, messaging: { tier: 1, since: at - 100 } });
      expect(kinds(await messages.accept([item('x', { type: 'template', creditCost: 1, admission: both(10) })], 10, undefined))).toEqual(['insufficient_credit']);
      expect(await countOf('spam_texts', account.id)).toBe(0);
      expect(await countOf('messages', account.id)).toBe(0);
      expect(await countOf('credit_ledger', account.id)).toBe(0);
      expect(kinds(await messages.accept([item('y', { type: 'template', admission: both(20) })], 20, undefined))).toEqual(['accepted']);
    });

    const completion = (accountId: string, key: string): IdempotencyCompletion => ({
      accountId, key, requestHash: 'h',
      respond: (results) => ({ statusCode: 202, body: { results: kinds(results), id: idOf(results[0]) ?? null } }),
    });

    it('claims a key once, stores the outcome with the messages, replays it, and keeps it through a release until it expires', async () => {
      const { account, item } = await tenant();
      expect(await idempotency.claim(account.id, 'k', 'h', now)).toBeUndefined();
      expect(await idempotency.claim(account.id, 'k', 'other', now + 1)).toEqual({ requestHash: 'h', state: 'in_progress', createdAt: now });
      const [result] = await messages.accept([item('49151')], now, completion(account.id, 'k'));
      expect(committed).toContain('k');
      idempotency.settled({ accountId: account.id, key: 'k' });
      const done = { requestHash: 'h', state: 'done', statusCode: 202, body: { results: ['accepted'], id: idOf(result) }, createdAt: now };
      expect(await idempotency.claim(account.id, 'k', 'h', now + 2)).toEqual(done);
      await idempotency.release(account.id, 'k');
      expect(await idempotency.claim(account.id, 'k', 'h', now + 3)).toEqual(done);
      expect(await idempotency.claim(account.id, 'k', 'h', now + IDEMPOTENCY_TTL_MS)).toBeUndefined();
      // Keys are per account.
      expect(await idempotency.claim((await tenant()).account.id, 'k', 'h', now)).toBeUndefined();
    });

    it('frees a released claim for the next request, and a claim its process left behind once it lapses (where claims are shared)', async () => {
      const { account } = await tenant();
      expect(await idempotency.claim(account.id, 'r', 'h', now)).toBeUndefined();
      await idempotency.release(account.id, 'r');
      expect(await idempotency.claim(account.id, 'r', 'h2', now + 1)).toBeUndefined();
      const later = await idempotency.claim(account.id, 'r', 'h3', now + 1 + IDEMPOTENCY_CLAIM_MS);
      if (current().engine.capabilities.sharedAcrossProcesses) expect(later).toBeUndefined();
      else expect(later).toMatchObject({ state: 'in_progress', requestHash: 'h2' });
    });

    it('stores the outcome of a request that accepted nothing, the first outcome winning', async () => {
      const { account } = await tenant();
      expect(await idempotency.claim(account.id, 'c', 'h', now)).toBeUndefined();
      await idempotency.complete({ accountId: account.id, key: 'c', requestHash: 'h' }, { statusCode: 200, body: { accepted: 0 } }, now);
      await idempotency.complete({ accountId: account.id, key: 'c', requestHash: 'h' }, { statusCode: 500, body: {} }, now + 1);
      expect(await idempotency.claim(account.id, 'c', 'h', now + 2)).toEqual({ requestHash: 'h', state: 'done', statusCode: 200, body: { accepted: 0 }, createdAt: now });
    });

    it('stores one outcome per key: a request racing past the claim writes nothing and is told to retry, the rest of its group stays', async () => {
      const { account, item } = await tenant();
      const key = completion(account.id, 'race');
      const [first, second, plain] = await Promise.allSettled([
        messages.accept([item('49151')], now, key), messages.accept([item('49152')], now, key), messages.accept([item('49153')], now, undefined),
      ]);
      expect(first.status).toBe('fulfilled');
      expect(second).toMatchObject({ status: 'rejected', reason: { entry: { code: 'idempotency_in_progress' } } });
      const ids = [first, plain].map((r) => (r.status === 'fulfilled' ? idOf(r.value[0]) : undefined));
      expect((await messages.list(account.id, { limit: 10 })).messages.map((m) => m.id).sort()).toEqual([...ids].sort());
      expect(await idempotency.claim(account.id, 'race', 'h', now + 1)).toMatchObject({ state: 'done', body: { id: ids[0] } });
    });

    it('builds the stored response from the decided items, refusals included, and replaces an expired outcome', async () => {
      const { account, item } = await tenant(1);
      await idempotency.complete({ accountId: account.id, key: 'x', requestHash: 'old' }, { statusCode: 200, body: {} }, now - IDEMPOTENCY_TTL_MS);
      await messages.accept([item('1', { creditCost: 1 }), item('2', { creditCost: 1 })], now, completion(account.id, 'x'));
      expect(await idempotency.claim(account.id, 'x', 'h', now)).toMatchObject({
        requestHash: 'h', statusCode: 202, body: { results: ['accepted', 'insufficient_credit'] }, createdAt: now,
      });
    });

    it('keeps every limit under 1,000 concurrent sends: no slot used by a refused send, no credit drift', { timeout: 120_000 }, async () => {
      const topUp = 500;
      const { account, item } = await tenant(topUp);
      // Writers side by side where the engine has several (each as another process would have one).
      const lanes = current().engine.capabilities.singleWriter ? [messages] : [messages, await openMessages(), await openMessages()];
      const day = '2026-06-01';
      const spam: AcceptAdmission = { spam: { day, textHash: 'same', threshold: 150 } };
      const tier: AcceptAdmission = { messaging: { tier: 150, since: now - 1000 } };
      // 250 text and 250 template recipients, each sent to twice: the limits allow 600 sends, the credit 500.
      const sends = Array.from({ length: 1000 }, (_, i) => {
        const template = i % 2 === 1;
        const to = `${template ? '4930' : '4940'}${(i >> 1) % 250}`;
        return item(to, { type: template ? 'template' : 'text', creditCost: 1, admission: template ? tier : spam });
      });
      const results = (await Promise.all(sends.map((send, i) => lanes[i % lanes.length]!.accept([send], now, undefined)))).map(([r]) => r!);
      const accepted = sends.filter((_, i) => results[i]!.kind === 'accepted');
      expect(new Set(kinds(results))).toEqual(new Set(['accepted', 'insufficient_credit', 'spam_control_threshold_exceeded', 'messaging_limit_reached']));
      expect(accepted).toHaveLength(topUp);
      const textTo = new Set(accepted.filter((s) => s.type === 'text').map((s) => s.to));
      const templateTo = new Set(accepted.filter((s) => s.type === 'template').map((s) => s.to));
      expect(textTo.size).toBeLessThanOrEqual(150);
      expect(templateTo.size).toBeLessThanOrEqual(150);
      const counted = await db().selectFrom('spam_texts').select('recipient').where('account_id', '=', account.id).execute();
      expect(new Set(counted.map((r) => r.recipient))).toEqual(textTo);
      const reached = await db().selectFrom('messages').select('recipient').distinct().where('account_id', '=', account.id).where('type', '=', 'template').execute();
      expect(new Set(reached.map((r) => r.recipient))).toEqual(templateTo);
      expect(await countOf('messages', account.id)).toBe(topUp);
      expect(await countOf('outbox', account.id)).toBe(topUp);
      const balance = (await accounts.getAccount(account.id))?.credit ?? 0;
      const reserved = await db().selectFrom('credit_ledger').select((eb) => eb.fn.sum<number>('amount').as('total'))
        .where('account_id', '=', account.id).where('kind', '=', 'reserve').executeTakeFirstOrThrow();
      expect(balance - Number(reserved.total)).toBe(topUp);
      expect(balance).toBe(0);
    });
  });
}
