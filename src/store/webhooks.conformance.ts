/**
 * The conformance cases of the customer-webhook ports, run once per engine from this one set: every method of the
 * model (WebhookStore) and of its delivery queue, through the shared implementation each store uses.
 */
import { sql, type SqlBool } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import type { EventType } from '../domain/events.js';
import { newId } from './ids.js';
import { createSecretBox } from './secret-box.js';
import { insertEvent } from './sql/event-rows.js';
import { SOLE_PROCESS_LIVENESS } from './sql/lease-liveness.js';
import { SqlDeliveryQueue } from './sql/sql-delivery-queue.js';
import { SqlWebhooks } from './sql/sql-webhooks.js';
import type { AttemptResult, DeliveryTask, SettledAttempt } from './webhook-store.js';

const T = Date.parse('2026-06-01T12:00:00Z');
const LEASE = 60_000;
const SECRET = 'whsec_' + Buffer.alloc(24, 3).toString('base64');
const NEXT_SECRET = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
const FAILED: AttemptResult = { outcome: { kind: 'status', status: 500 }, statusCode: 500, durationMs: 3.4, excerpt: 'boom' };
const DELIVERED: AttemptResult = { outcome: { kind: 'delivered' }, statusCode: 200, durationMs: 2, excerpt: '' };
const TABLES = ['webhook_attempts', 'webhook_deliveries', 'webhook_endpoints', 'webhook_lanes', 'events'] as const;

export function describeWebhookConformance(): void {
  describeEachEngine('Webhook ports conformance', (current) => {
    let hooks: SqlWebhooks;
    let queue: SqlDeliveryQueue;
    const db = () => current().engine.db;
    beforeEach(async () => {
      hooks = new SqlWebhooks(current().engine, { secrets: createSecretBox('webhook-conformance-secret') });
      queue = new SqlDeliveryQueue(current().engine);
      // One database serves the engine's whole block: each case starts from no webhook rows at all.
      for (const table of TABLES) await db().deleteFrom(table).execute();
    });

    let serial = 0;
    const endpoint = (accountId: string, more: { eventTypes?: EventType[]; enabled?: boolean; url?: string } = {}, at = T) =>
      hooks.createEndpoint({ accountId, url: `https://h${(serial += 1)}.example/h`, secret: SECRET, ...more }, at);
    async function events(accountId: string, count: number, type: EventType = 'message.accepted', at = T): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const id = newId('evt', at);
        await insertEvent(db(), { accountId, type, subjectId: null, data: { n: i } }, at, id).execute();
        ids.push(id);
      }
      return ids;
    }
    const claim = (lane: string | undefined, at = T, owner = 'w1', limit = 100) =>
      queue.claim({ owner, now: at, leaseMs: LEASE, limit, ...(lane === undefined ? {} : { lane }) });
    const claimTasks = async (lane: string, at = T) => hooks.loadDeliveries(await claim(lane, at));
    const settle = (task: DeliveryTask, at: number, result: AttemptResult, next: SettledAttempt['next']): SettledAttempt =>
      ({ task, url: 'https://x.example/h', result, at, next });
    const statusOf = async (deliveryId: string) =>
      (await db().selectFrom('webhook_deliveries').select(['status', 'attempts', 'manual']).where('id', '=', deliveryId).executeTakeFirst());

    describe('endpoints', () => {
      it('creates endpoints with their defaults, reads them only for their account, lists them in id order, keeps the secret sealed', async () => {
        const plain = await endpoint('acct_a');
        expect(plain).toEqual({
          id: expect.stringMatching(/^ep_/), accountId: 'acct_a', url: plain.url, description: null, eventTypes: [], enabled: true,
          disabledReason: null, rateLimitPerSecond: null, failingSince: null, createdAt: T, updatedAt: T,
        });
        const full = await hooks.createEndpoint({ accountId: 'acct_a', url: 'https://f.example/h', description: 'd', eventTypes: ['message.sent'], enabled: false, rateLimitPerSecond: 5, secret: SECRET }, T + 1);
        expect(full).toMatchObject({ description: 'd', eventTypes: ['message.sent'], enabled: false, rateLimitPerSecond: 5, createdAt: T + 1 });
        expect(await hooks.getEndpoint('acct_a', full.id)).toEqual(full);
        expect(await hooks.getEndpoint('acct_b', full.id)).toBeUndefined();
        expect(await hooks.listEndpoints('acct_a')).toEqual([plain, full]);
        expect(await hooks.listEndpoints('acct_b')).toEqual([]);
        const stored = await db().selectFrom('webhook_endpoints').select('secret_sealed').where('id', '=', plain.id).executeTakeFirstOrThrow();
        expect(stored.secret_sealed).not.toContain(SECRET.slice(6));
      });

      it('patches only what it names; disabling fails the pending deliveries and says why, enabling clears the reason and the streak', async () => {
        const ep = await endpoint('acct_a');
        await events('acct_a', 2);
        await hooks.fanOutEvents(T, 10);
        const [first] = await claimTasks(ep.id);
        await hooks.settleAttempts([settle(first!, T + 1, FAILED, { kind: 'retry', at: T + 10 })]);
        expect(await hooks.updateEndpoint('acct_b', ep.id, { enabled: false }, T + 2)).toBeUndefined();
        expect(await hooks.endpointsWithPendingDeliveries()).toEqual([ep.id]);
        const renamed = await hooks.updateEndpoint('acct_a', ep.id, { url: 'https://new.example/h', description: 'n', eventTypes: ['message.read'], rateLimitPerSecond: 3 }, T + 3);
        expect(renamed).toEqual({ ...ep, url: 'https://new.example/h', description: 'n', eventTypes: ['message.read'], rateLimitPerSecond: 3, failingSince: T + 1, updatedAt: T + 3 });
        const off = await hooks.updateEndpoint('acct_a', ep.id, { enabled: false, description: null }, T + 4);
        expect(off).toMatchObject({ enabled: false, disabledReason: 'disabled through the API', description: null, failingSince: T + 1 });
        expect(await hooks.endpointsWithPendingDeliveries()).toEqual([]);
        expect((await db().selectFrom('webhook_deliveries').select('status').execute()).map((r) => r.status)).toEqual(['failed', 'failed']);
        expect(await hooks.updateEndpoint('acct_a', ep.id, { enabled: true }, T + 5)).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
        expect(await hooks.updateEndpoint('acct_a', 'ep_missing', { url: 'https://x.example/h' }, T)).toBeUndefined();
      });

      it('deletes an endpoint with its deliveries and attempts, for its account only', async () => {
        const ep = await endpoint('acct_a');
        const kept = await endpoint('acct_a');
        await events('acct_a', 2);
        await hooks.fanOutEvents(T, 10);
        const [task] = await claimTasks(ep.id);
        await hooks.settleAttempts([settle(task!, T + 1, FAILED, { kind: 'failed' })]);
        expect(await hooks.deleteEndpoint('acct_b', ep.id)).toBe(false);
        expect((await hooks.listAttempts(ep.id, { limit: 10 })).attempts).toHaveLength(1);
        expect(await hooks.countBacklog('acct_a')).toBe(3);
        expect(await hooks.deleteEndpoint('acct_a', ep.id)).toBe(true);
        expect(await hooks.getEndpoint('acct_a', ep.id)).toBeUndefined();
        expect((await hooks.listAttempts(ep.id, { limit: 10 })).attempts).toEqual([]);
        expect(await hooks.countBacklog('acct_a')).toBe(2);
        expect(await db().selectFrom('webhook_deliveries').select('endpoint_id').distinct().execute()).toEqual([{ endpoint_id: kept.id }]);
        expect(await hooks.deleteEndpoint('acct_a', ep.id)).toBe(false);
      });

      it('rotates the secret for its account only; the previous one signs only during its grace period', async () => {
        const ep = await endpoint('acct_a');
        expect(await hooks.rotateSecret('acct_b', ep.id, NEXT_SECRET, T + 1000, T)).toBeUndefined();
        expect((await hooks.getSigningEndpoint(ep.id, T))?.secrets).toEqual([SECRET]);
        expect(await hooks.rotateSecret('acct_a', ep.id, NEXT_SECRET, T + 1000, T + 1)).toEqual({ ...ep, updatedAt: T + 1 });
        expect(await hooks.getSigningEndpoint(ep.id, T + 999)).toEqual({ ...ep, updatedAt: T + 1, secrets: [NEXT_SECRET, SECRET] });
        expect((await hooks.getSigningEndpoint(ep.id, T + 1000))?.secrets).toEqual([NEXT_SECRET]);
        expect(await hooks.getSigningEndpoint('ep_missing', T)).toBeUndefined();
      });
    });

    describe('fan-out and loading', () => {
      it('fans each event out once to the enabled endpoints of its account whose filter wants it, a batch at a time', async () => {
        const all = await endpoint('acct_a');
        const sentOnly = await endpoint('acct_a', { eventTypes: ['message.sent', 'message.read'] });
        const off = await endpoint('acct_a', { enabled: false });
        const elsewhere = await endpoint('acct_b');
        const accepted = await events('acct_a', 2);
        const sent = await events('acct_a', 1, 'message.sent');
        expect(await hooks.fanOutEvents(T, 2)).toEqual({ events: 2, endpointIds: [all.id] });
        expect((await hooks.fanOutEvents(T, 10)).endpointIds.sort()).toEqual([all.id, sentOnly.id].sort());
        expect(await hooks.fanOutEvents(T, 10)).toEqual({ events: 0, endpointIds: [] });
        expect((await claimTasks(all.id)).map((t) => t.eventId)).toEqual([...accepted, ...sent]);
        expect((await claimTasks(sentOnly.id)).map((t) => t.eventId)).toEqual(sent);
        expect(await claim(off.id)).toEqual([]);
        expect(await claim(elsewhere.id)).toEqual([]);
      });

      it('lists the enabled endpoints with pending deliveries, due or not', async () => {
        const waiting = await endpoint('acct_a');
        const done = await endpoint('acct_a');
        await endpoint('acct_a', { enabled: false });
        await events('acct_a', 1);
        await hooks.fanOutEvents(T, 10);
        const [later] = await claimTasks(waiting.id);
        await hooks.settleAttempts([settle(later!, T, FAILED, { kind: 'retry', at: T + 3_600_000 })]);
        expect((await hooks.endpointsWithPendingDeliveries()).sort()).toEqual([waiting.id, done.id].sort());
        await queue.complete((await claim(done.id)).map((j) => j.id));
        expect(await hooks.endpointsWithPendingDeliveries()).toEqual([waiting.id]);
      });

      it('loads what claimed deliveries carry, in the order given, leaving out deliveries no longer there', async () => {
        const ep = await endpoint('acct_a');
        const [first, second] = await events('acct_a', 2, 'message.read', T - 5);
        await hooks.fanOutEvents(T, 10);
        const jobs = await claim(ep.id);
        expect(jobs.map((j) => j.endpointId)).toEqual([ep.id, ep.id]);
        const tasks = await hooks.loadDeliveries([jobs[1]!, { id: 'dlv_gone', endpointId: ep.id }, jobs[0]!]);
        expect(tasks).toEqual([
          { deliveryId: jobs[1]!.id, eventId: second, endpointId: ep.id, accountId: 'acct_a', eventType: 'message.read', eventAt: T - 5, data: '{"n":1}', attempts: 0, trigger: 'scheduled' },
          { deliveryId: jobs[0]!.id, eventId: first, endpointId: ep.id, accountId: 'acct_a', eventType: 'message.read', eventAt: T - 5, data: '{"n":0}', attempts: 0, trigger: 'scheduled' },
        ]);
        expect(await hooks.loadDeliveries([])).toEqual([]);
      });
    });

    describe('attempts', () => {
      it('settles attempts: rows, retries due at their time, failures for good, deliveries done', async () => {
        const ep = await endpoint('acct_a');
        await events('acct_a', 3);
        await hooks.fanOutEvents(T, 10);
        const [a, b, c] = await claimTasks(ep.id);
        await hooks.settleAttempts([
          settle(a!, T + 10, FAILED, { kind: 'retry', at: T + 5_000 }),
          settle(b!, T + 10, FAILED, { kind: 'failed' }),
          settle(c!, T + 11, DELIVERED, { kind: 'delivered' }),
        ]);
        expect(await statusOf(b!.deliveryId)).toEqual({ status: 'failed', attempts: 1, manual: 0 });
        // Delivered, the delivery is gone: its attempt row is the log of it.
        expect(await statusOf(c!.deliveryId)).toBeUndefined();
        expect((await hooks.listAttempts(ep.id, { limit: 10 })).attempts.filter((x) => x.deliveryId === c!.deliveryId)).toMatchObject([{ outcome: { kind: 'delivered' } }]);
        expect(await hooks.countBacklog('acct_a')).toBe(1);
        expect(await claim(ep.id, T + 4_999)).toEqual([]);
        const [again] = await claimTasks(ep.id, T + 5_000);
        expect(again).toMatchObject({ deliveryId: a!.deliveryId, attempts: 1 });
        const page = await hooks.listAttempts(ep.id, { limit: 10 });
        expect(page.attempts.map((x) => [x.deliveryId, x.trigger, x.statusCode, x.nextAttemptAt, x.durationMs])).toEqual([
          [c!.deliveryId, 'scheduled', 200, null, 2], [b!.deliveryId, 'scheduled', 500, null, 3], [a!.deliveryId, 'scheduled', 500, T + 5_000, 3],
        ]);
        expect(page.attempts[2]).toMatchObject({ outcome: { kind: 'status', status: 500 }, excerpt: 'boom', url: 'https://x.example/h', eventId: a!.eventId, createdAt: T + 10 });
        await hooks.settleAttempts([]);
      });

      it('settles retries of one batch each due at its own time', async () => {
        const ep = await endpoint('acct_a');
        await events('acct_a', 3);
        await hooks.fanOutEvents(T, 10);
        const [a, b, c] = await claimTasks(ep.id);
        await hooks.settleAttempts([
          settle(a!, T + 10, FAILED, { kind: 'retry', at: T + 3_000 }),
          settle(b!, T + 10, FAILED, { kind: 'retry', at: T + 1_000 }),
          settle(c!, T + 11, FAILED, { kind: 'retry', at: T + 2_000 }),
        ]);
        expect((await claimTasks(ep.id, T + 1_000)).map((t) => t.deliveryId)).toEqual([b!.deliveryId]);
        expect((await claimTasks(ep.id, T + 2_000)).map((t) => t.deliveryId)).toEqual([c!.deliveryId]);
        expect((await claimTasks(ep.id, T + 3_000)).map((t) => [t.deliveryId, t.attempts])).toEqual([[a!.deliveryId, 1]]);
      });

      it('keeps a failure streak from its first failure until a success, whatever the order inside one batch', async () => {
        const ep = await endpoint('acct_a');
        await events('acct_a', 6);
        await hooks.fanOutEvents(T, 10);
        const tasks = await claimTasks(ep.id);
        const streak = async () => (await hooks.getEndpoint('acct_a', ep.id))?.failingSince;
        const retry = { kind: 'retry', at: T + 1_000_000 } as const;
        await hooks.settleAttempts([settle(tasks[0]!, T + 1, FAILED, retry), settle(tasks[1]!, T + 2, FAILED, retry)]);
        expect(await streak()).toBe(T + 1);
        await hooks.settleAttempts([settle(tasks[2]!, T + 3, FAILED, retry)]);
        expect(await streak()).toBe(T + 1);
        await hooks.settleAttempts([settle(tasks[3]!, T + 4, DELIVERED, { kind: 'delivered' }), settle(tasks[4]!, T + 5, FAILED, retry)]);
        expect(await streak()).toBe(T + 5);
        await hooks.settleAttempts([settle(tasks[5]!, T + 6, FAILED, retry), settle(tasks[0]!, T + 7, DELIVERED, { kind: 'delivered' })]);
        expect(await streak()).toBeNull();
      });

      it('leaves a delivery failed meanwhile (its endpoint was disabled) failed, whatever its attempt decided', async () => {
        const ep = await endpoint('acct_a');
        await events('acct_a', 2);
        await hooks.fanOutEvents(T, 10);
        const [a, b] = await claimTasks(ep.id);
        await hooks.updateEndpoint('acct_a', ep.id, { enabled: false }, T + 1);
        await hooks.settleAttempts([settle(a!, T + 2, FAILED, { kind: 'retry', at: T + 3 }), settle(b!, T + 2, FAILED, { kind: 'failed' })]);
        expect(await statusOf(a!.deliveryId)).toEqual({ status: 'failed', attempts: 0, manual: 0 });
        expect(await statusOf(b!.deliveryId)).toEqual({ status: 'failed', attempts: 0, manual: 0 });
        expect((await hooks.listAttempts(ep.id, { limit: 10 })).attempts).toHaveLength(2);
      });

      it('records test sends outside any delivery and pages attempts newest first, endpoint by endpoint', async () => {
        const ep = await endpoint('acct_a');
        const other = await endpoint('acct_a');
        const sent = [];
        for (const [i, outcome] of (['timeout', 'network', 'delivered'] as const).entries()) {
          sent.push(await hooks.recordTestAttempt({
            endpointId: ep.id, eventId: `evt_test_${i}`, url: ep.url, trigger: 'test', outcome: { kind: outcome },
            statusCode: outcome === 'delivered' ? 204 : null, durationMs: 1.6, excerpt: null, createdAt: T + i,
          }));
        }
        await hooks.recordTestAttempt({ ...sent[0]!, endpointId: other.id });
        expect(sent[0]).toMatchObject({ id: expect.stringMatching(/^atmpt_/), deliveryId: null, nextAttemptAt: null, durationMs: 1.6 });
        const first = await hooks.listAttempts(ep.id, { limit: 2 });
        expect(first.attempts).toEqual([{ ...sent[2], durationMs: 2 }, { ...sent[1], durationMs: 2 }]);
        expect(first.nextCursor).toBe(sent[1]!.id);
        const rest = await hooks.listAttempts(ep.id, { limit: 2, cursor: first.nextCursor! });
        expect(rest).toEqual({ attempts: [{ ...sent[0], durationMs: 2 }], nextCursor: null });
      });

      it('disables an endpoint once: its pending deliveries fail, and endpoint.disabled becomes an event of its account', async () => {
        const ep = await endpoint('acct_a', { url: 'https://down.example/h' });
        const watcher = await endpoint('acct_a', { eventTypes: ['endpoint.disabled'] });
        await events('acct_a', 2);
        await hooks.fanOutEvents(T, 10);
        const [task] = await claimTasks(ep.id);
        await hooks.settleAttempts([settle(task!, T + 1, FAILED, { kind: 'retry', at: T + 2 })]);
        expect(await hooks.disableEndpoint(ep.id, 'no success for 5 days', T + 3)).toBe(true);
        expect(await hooks.disableEndpoint(ep.id, 'again', T + 4)).toBe(false);
        expect(await hooks.disableEndpoint('ep_missing', 'gone', T + 4)).toBe(false);
        expect(await hooks.getEndpoint('acct_a', ep.id)).toMatchObject({ enabled: false, disabledReason: 'no success for 5 days', updatedAt: T + 3 });
        // Only the endpoint.disabled event, not yet fanned out.
        expect(await hooks.countBacklog('acct_a')).toBe(1);
        expect(await hooks.fanOutEvents(T + 5, 10)).toEqual({ events: 1, endpointIds: [watcher.id] });
        const [event] = await claimTasks(watcher.id, T + 5);
        expect(event).toMatchObject({ eventType: 'endpoint.disabled', accountId: 'acct_a', eventAt: T + 3 });
        expect(JSON.parse(event!.data)).toEqual({ endpoint_id: ep.id, url: 'https://down.example/h', reason: 'no success for 5 days', failing_since: new Date(T + 1).toISOString() });
      });
    });

    describe('replay and backlog', () => {
      it('replays failed deliveries only, or every event of a range the filter wants, each once more by hand', async () => {
        const ep = await endpoint('acct_a', { eventTypes: ['message.accepted', 'message.sent'] });
        const [early, failed, delivered] = await events('acct_a', 3, 'message.accepted', T);
        await hooks.fanOutEvents(T, 10);
        const tasks = await claimTasks(ep.id);
        const byEvent = (id: string) => tasks.find((t) => t.eventId === id)!;
        await hooks.settleAttempts([
          settle(byEvent(failed!), T + 1, FAILED, { kind: 'failed' }),
          settle(byEvent(delivered!), T + 1, DELIVERED, { kind: 'delivered' }),
        ]);
        const [missed] = await events('acct_a', 1, 'message.sent', T + 10);
        await events('acct_a', 1, 'message.read', T + 10);
        await events('acct_b', 1, 'message.sent', T + 10);
        // Still pending (`early`) or not in the range: left alone.
        expect(await hooks.replay(ep.id, { failedOnly: true, since: T + 1 }, T + 20)).toBe(0);
        expect(await hooks.replay(ep.id, { failedOnly: true }, T + 20)).toBe(1);
        expect(await statusOf(byEvent(failed!).deliveryId)).toEqual({ status: 'pending', attempts: 1, manual: 1 });
        // The delivered one and the event the endpoint never got; the failed one is pending again already.
        expect(await hooks.replay(ep.id, { failedOnly: false, since: T, until: T + 11 }, T + 30)).toBe(2);
        const replayed = await hooks.loadDeliveries(await claim(ep.id, T + 30, 'w2'));
        expect(replayed.map((t) => [t.eventId, t.trigger]).sort()).toEqual([[delivered, 'manual'], [failed, 'manual'], [missed, 'manual']].sort());
        expect(replayed.map((t) => t.eventId)).not.toContain(early);
        expect(await hooks.replay('ep_missing', { failedOnly: false }, T)).toBe(0);
        // The fan-out reaching an event the replay already gave the endpoint adds nothing.
        await hooks.fanOutEvents(T + 40, 10);
        expect(await db().selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', ep.id).execute()).toHaveLength(4);
      });

      it('counts an account’s pending deliveries, and its events not yet fanned out only while it has an enabled endpoint, each up to the cap', async () => {
        await endpoint('acct_a', { enabled: false });
        await events('acct_a', 4);
        expect(await hooks.countBacklog('acct_a')).toBe(0);
        await endpoint('acct_a', { eventTypes: ['message.sent'] });
        expect(await hooks.countBacklog('acct_a')).toBe(4);
        expect(await hooks.countBacklog('acct_a', 3)).toBe(3);
        await events('acct_a', 3, 'message.sent');
        await hooks.fanOutEvents(T, 100);
        expect(await hooks.countBacklog('acct_a')).toBe(3);
        await events('acct_a', 2, 'message.sent');
        expect(await hooks.countBacklog('acct_a', 2)).toBe(4);
        expect(await hooks.countBacklog('acct_b')).toBe(0);
      });
    });

    describe('the delivery queue', () => {
      async function pending(count: number) {
        const a = await endpoint('acct_q');
        const b = await endpoint('acct_q');
        await events('acct_q', count);
        await hooks.fanOutEvents(T, 100);
        return [a.id, b.id] as const;
      }

      it('claims due deliveries lane by lane or across lanes, earliest due first, each to one owner until its lease lapses', async () => {
        const [a, b] = await pending(3);
        const [late] = await claim(a, T, 'w0', 1);
        await queue.release([late!.id], T + 5);
        expect(await claim(a, T, 'w1', 1)).toHaveLength(1);
        const rest = await claim(a, T + 5, 'w1');
        expect(rest.map((j) => j.id).at(-1)).toBe(late!.id);
        expect(rest.map((j) => j.endpointId)).toEqual([a, a]);
        expect((await claim(undefined, T, 'w2')).map((j) => j.endpointId)).toEqual([b, b, b]);
        expect(await claim(undefined, T + LEASE - 1, 'w3')).toEqual([]);
        // Only the lease taken at T has lapsed; the two taken at T + 5 run on.
        expect(await claim(a, T + LEASE, 'w3')).toHaveLength(1);
        expect(await claim(b, T + LEASE, 'w3', 2)).toHaveLength(2);
      });

      it('renews its owner’s leases, releases due at a time, completes for good, and frees every lease', async () => {
        const [a] = await pending(4);
        const [kept, other, released, done] = await claim(a);
        await queue.renew('w1', [kept!.id], T + 2 * LEASE);
        await queue.renew('w2', [other!.id, released!.id, done!.id], T + 2 * LEASE);
        await queue.release([released!.id], T + 10);
        await queue.complete([done!.id]);
        await Promise.all([queue.renew('w1', [], T), queue.release([], T), queue.complete([])]);
        expect(await claim(a, T + 9, 'w2')).toEqual([]);
        expect((await claim(a, T + 10, 'w2')).map((j) => j.id)).toEqual([released!.id]);
        // w2 held no lease on `other`: its renewal changed nothing, so that lease lapses as taken.
        expect((await claim(a, T + LEASE, 'w3')).map((j) => j.id)).toEqual([other!.id]);
        expect(await statusOf(done!.id)).toBeUndefined();
        expect(await queue.releaseAbandoned()).toBe(3);
        expect(await queue.releaseAbandoned()).toBe(0);
        expect((await claim(a, T + 11, 'w3')).map((j) => j.id).sort()).toEqual([kept!.id, other!.id, released!.id].sort());
      });

      it('never hands one delivery to two claims made at once', async () => {
        await pending(20);
        const claims = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((owner) => claim(undefined, T, owner, 7)));
        const ids = claims.flat().map((j) => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(28);
      });

      it('skips what another process is claiming or fanning out instead of waiting for it, where processes share the database', async (context) => {
        const { engine } = current();
        if (!engine.capabilities.skipLocked) context.skip();
        const [a] = await pending(2);
        await events('acct_q', 2);
        await engine.db.transaction().execute(async (other) => {
          const [held] = await other.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', a).orderBy('id').limit(1).forUpdate().execute();
          await other.selectFrom('events').select('id').where('fanned_out_at', 'is', null).orderBy('id').limit(1).forUpdate().execute();
          const claimed = await claim(a);
          expect(claimed).toHaveLength(1);
          expect(claimed[0]!.id).not.toBe(held!.id);
          expect((await hooks.fanOutEvents(T, 10)).events).toBe(1);
        });
      }, 10_000);
    });

    describe('the lanes', () => {
      const hold = (owner: string, lanes: readonly string[], at = T) => queue.holdLanes(owner, lanes, at, at + LEASE);
      const sorted = (ids: readonly string[]) => [...ids].sort();

      it('leases each lane to one owner at a time: kept by renewing, taken by another once lapsed or handed back', async () => {
        expect(sorted(await hold('w1', ['ep_a', 'ep_b']))).toEqual(['ep_a', 'ep_b']);
        expect(await hold('w2', ['ep_a', 'ep_b', 'ep_c'], T + 1)).toEqual(['ep_c']);
        expect(await hold('w1', ['ep_a'], T + 10)).toEqual(['ep_a']);
        await queue.releaseLanes('w2', ['ep_b']);
        expect(await hold('w2', ['ep_b'], T + 11)).toEqual([]);
        await queue.releaseLanes('w1', ['ep_b']);
        expect(await hold('w2', ['ep_b'], T + 11)).toEqual(['ep_b']);
        // ep_a was renewed at T + 10, so it lapses at T + 10 + LEASE and not before.
        expect(await hold('w2', ['ep_a'], T + 9 + LEASE)).toEqual([]);
        expect(await hold('w2', ['ep_a'], T + 10 + LEASE)).toEqual(['ep_a']);
        expect(await hold('w1', ['ep_a'], T + 11 + LEASE)).toEqual([]);
        expect(await hold('w1', [])).toEqual([]);
      });

      it('never leases one lane to two owners asking at once', async () => {
        const lanes = Array.from({ length: 12 }, (_, i) => `ep_race${i}`);
        const answers = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((owner) => hold(owner, owner === 'w2' ? [...lanes].reverse() : lanes)));
        const taken = answers.flat();
        expect(sorted(taken)).toEqual(sorted(lanes));
        const rows = await db().selectFrom('webhook_lanes').select(['endpoint_id', 'lease_owner']).execute();
        for (const [i, owner] of ['w1', 'w2', 'w3', 'w4'].entries())
          expect(sorted(rows.filter((r) => r.lease_owner === owner).map((r) => r.endpoint_id))).toEqual(sorted(answers[i]!));
      });

      it('hands the lane of an owner whose process died to the next worker asking, and frees gone owners’ lanes at start', async () => {
        const dead = new SqlDeliveryQueue(current().engine, { ...SOLE_PROCESS_LIVENESS, ownerDied: (column) => sql<SqlBool>`${sql.ref(column)} = ${'w-dead'}` });
        expect(await dead.holdLanes('w-dead', ['ep_d'], T, T + LEASE)).toEqual(['ep_d']);
        expect(await dead.holdLanes('w-alive', ['ep_e'], T, T + LEASE)).toEqual(['ep_e']);
        expect(await dead.holdLanes('w2', ['ep_d', 'ep_e'], T + 1, T + 1 + LEASE)).toEqual(['ep_d']);
        // Where one process owns the store, a starting worker frees every lane; processes sharing it: postgres-session.postgres.test.ts.
        await queue.releaseAbandoned();
        expect(sorted(await hold('w3', ['ep_d', 'ep_e'], T + 2))).toEqual(['ep_d', 'ep_e']);
      });
    });
  });
}
