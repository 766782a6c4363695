/**
 * The conformance suite every Store implementation runs: the behaviour the gateway relies on, backend-neutral. The
 * ported ports have their own suites, run on every engine (account-store.conformance.ts, contacts, templates,
 * controls, media); these cases still run on SQLite only, until their methods are ported too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispatchTask } from './dispatch-store.js';
import type { AcceptItem, Store } from './store.js';

export function describeStoreConformance(name: string, open: () => Promise<{ store: Store; dispose: () => Promise<void> }>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const now = Date.parse('2026-06-01T12:00:00Z');
    beforeEach(async () => ({ store, dispose } = await open()));
    afterEach(() => dispose());

    async function tenant(credit: number | null = null) {
      const account = await store.createAccount({ name: 't', credit }, now);
      const number = await store.createNumber({ phoneNumberId: `${Math.random()}`.slice(2, 14), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id, accessToken: 'tok' }, now);
      return { account, number };
    }
    const claimTasks = async (owner: string, at: number, leaseMs: number, limit: number) =>
      store.dispatch.loadTasks(await store.dispatchQueue.claim({ owner, now: at, leaseMs, limit }), at);
    const handBack = async (task: DispatchTask, dueAt: number, at: number) => {
      await store.dispatch.unclaimTasks([task], at);
      await store.dispatchQueue.release([task.jobId], dueAt);
    };
    const item = (accountId: string, numberId: string, creditCost = 0): AcceptItem => ({
      accountId, numberId, to: '4915112345678', type: 'text', payload: { text: { body: 'x' } }, creditCost,
    });

    it('accepts messages with their outbox jobs, and claims due jobs with a lease', async () => {
      const { account, number } = await tenant();
      const results = await store.acceptMessages([item(account.id, number.id), item(account.id, number.id)], now);
      expect(results.map((r) => r.kind)).toEqual(['accepted', 'accepted']);
      const ids = results.map((r) => (r.kind === 'accepted' ? r.id : ''));
      expect(await claimTasks('w1', now - 1, 30_000, 10)).toEqual([]);
      const claimed = await claimTasks('w1', now, 30_000, 10);
      expect(claimed.map((j) => j.messageId).sort()).toEqual([...ids].sort());
      expect(claimed.every((j) => j.attempts === 0 && !j.interrupted && !j.probe && j.to === '4915112345678')).toBe(true);
      // Leased jobs are not handed out again until the lease lapses.
      expect(await claimTasks('w2', now + 1000, 30_000, 10)).toEqual([]);
      expect(await store.dispatch.markCalls('w1', [claimed[0]!], now + 5)).toEqual([{ kind: 'call' }]);
      await handBack(claimed[1]!, now + 20_000, now + 10);
      const reclaimed = await claimTasks('w2', now + 30_000, 30_000, 10);
      // The job whose call was marked and never finished comes back interrupted; the one handed back does not.
      expect(reclaimed.map((j) => [j.messageId, j.interrupted]).sort()).toEqual([[claimed[0]!.messageId, true], [claimed[1]!.messageId, false]].sort());
      expect((await store.getMessage(account.id, ids[0]!))?.status).toBe('queued');
    });

    it('scopes messages to their account', async () => {
      const a = await tenant();
      const b = await tenant();
      const [r] = await store.acceptMessages([item(a.account.id, a.number.id)], now);
      const id = r?.kind === 'accepted' ? r.id : '';
      expect(await store.getMessage(a.account.id, id)).toMatchObject({ id, status: 'accepted', statusTimes: { accepted: now } });
      expect(await store.getMessage(b.account.id, id)).toBeUndefined();
      expect((await store.listMessages(b.account.id, { limit: 10 })).messages).toEqual([]);
      // An admin's read names no account and sees every account's messages.
      const everyAccount = await store.listMessages(null, { limit: 500 });
      expect(everyAccount.messages.map((m) => m.id)).toContain(id);
    });

    it('debits prepaid credit in the accept transaction and refuses what is not covered', async () => {
      const { account, number } = await tenant(2);
      const results = await store.acceptMessages([1, 2, 3].map(() => item(account.id, number.id, 1)), now);
      expect(results.map((r) => r.kind)).toEqual(['accepted', 'accepted', 'refused']);
      expect((await store.getAccount(account.id))?.credit).toBe(0);
    });

    it('gathers concurrent accepts into group commits without losing any', async () => {
      const { account, number } = await tenant();
      const all = await Promise.all(Array.from({ length: 300 }, () => store.acceptMessages([item(account.id, number.id)], now)));
      expect(new Set(all.map(([r]) => (r?.kind === 'accepted' ? r.id : ''))).size).toBe(300);
      let seen = 0;
      let cursor: string | undefined;
      do {
        const page = await store.listMessages(account.id, { limit: 128, ...(cursor ? { cursor } : {}) });
        seen += page.messages.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toBe(300);
    });

    it('claims an idempotency key once, and stores the outcome with the messages', async () => {
      const { account, number } = await tenant();
      expect(await store.claimIdempotencyKey(account.id, 'k', 'h', now)).toBeUndefined();
      expect(await store.claimIdempotencyKey(account.id, 'k', 'h', now)).toMatchObject({ state: 'in_progress' });
      await store.acceptMessages([item(account.id, number.id)], now, {
        accountId: account.id, key: 'k', requestHash: 'h', respond: (r) => ({ statusCode: 202, body: { id: r[0]?.kind === 'accepted' ? r[0].id : null } }),
      });
      const done = await store.claimIdempotencyKey(account.id, 'k', 'h', now + 1);
      expect(done).toMatchObject({ state: 'done', statusCode: 202, body: { id: expect.stringMatching(/^msg_/) } });
      await store.releaseIdempotencyKey(account.id, 'other');
      expect(await store.claimIdempotencyKey(account.id, 'k', 'h', now + 24 * 3600_000)).toBeUndefined();
    });
  });
}
