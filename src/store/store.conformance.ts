/**
 * The conformance suite every Store implementation runs: the behaviour the gateway relies on, backend-neutral. The
 * ported ports have their own suites, run on every engine (account-store.conformance.ts); these cases still run on
 * SQLite only, until their methods are ported too.
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

    it('records the facts preflight reads', async () => {
      const { account, number } = await tenant();
      const q = { accountId: account.id, numberId: number.id, wabaId: 'w', to: '49151', template: { name: 't', language: 'en' }, needsWindow: true };
      expect(await store.getSendFacts(q)).toEqual({ optedOutAt: null, lastInboundAt: null, templatesKnown: false, template: undefined });
      await store.recordOptOut(account.id, '49151', now);
      await store.recordInbound(number.id, '49151', now - 5);
      await store.recordInbound(number.id, '49151', now - 10);
      await store.upsertTemplate({ wabaId: 'w', name: 't', language: 'en', status: 'approved', category: 'UTILITY', components: [], updatedAt: now });
      expect(await store.getSendFacts(q)).toMatchObject({ optedOutAt: now, lastInboundAt: now - 5, templatesKnown: true, template: { name: 't', status: 'approved' } });
      expect(await store.removeOptOut(account.id, '49151')).toBe(true);
    });

    it('stores media chunk by chunk, visible and counted only once committed, within the account cap', async () => {
      const { account, number } = await tenant();
      const other = await tenant();
      const media = { accountId: account.id, numberId: number.id, mimeType: 'application/pdf', filename: 'a.pdf' };
      const first = await store.beginMedia(media, now);
      await first.append(new Uint8Array(600));
      expect(await store.mediaBytesStored(account.id)).toBe(0);
      await first.append(new Uint8Array(400));
      const stored = await first.commit({ bytes: 1000, sha256: 'ab', capBytes: 1500 });
      expect(stored).toMatchObject({ kind: 'stored', media: { accountId: account.id, bytes: 1000, mimeType: 'application/pdf' } });
      const id = stored.kind === 'stored' ? stored.media.id : '';
      expect(await store.getMedia(account.id, id)).toMatchObject({ id, bytes: 1000, sha256: 'ab' });
      expect(await store.getMedia(other.account.id, id)).toBeUndefined();

      const second = await store.beginMedia(media, now);
      await second.append(new Uint8Array(600));
      expect(await second.commit({ bytes: 600, sha256: 'cd', capBytes: 1500 })).toEqual({ kind: 'over-cap', storedBytes: 1000 });
      const dropped = await store.beginMedia(media, now);
      await dropped.append(new Uint8Array(10));
      await dropped.discard();
      expect(await store.mediaBytesStored(account.id)).toBe(1000);
      expect(await store.mediaBytesStored(other.account.id)).toBe(0);

      expect(await store.deleteMedia(other.account.id, id)).toBe(false);
      expect(await store.deleteMedia(account.id, id)).toBe(true);
      expect(await store.mediaBytesStored(account.id)).toBe(0);
    });

    it("keeps contact checks to the account that made them", async () => {
      const a = await tenant();
      const b = await tenant();
      await store.contactChecks.saveContactChecks(a.account.id, [{ waId: '49151', status: 'invalid' }, { waId: '49152', status: 'valid' }], now);
      expect(await store.contactChecks.getContactCheck(a.account.id, '49152', now - 1)).toEqual({ waId: '49152', status: 'valid', checkedAt: now });
      expect(await store.contactChecks.isKnownInvalid(a.account.id, '49151', now - 1)).toBe(true);
      expect(await store.contactChecks.getContactCheck(b.account.id, '49152', 0)).toBeUndefined();
      expect(await store.contactChecks.isKnownInvalid(b.account.id, '49151', 0)).toBe(false);
    });
  });
}
