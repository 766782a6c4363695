/** The WebhookStore contract, run on the SQLite store: fan-out, filters, leases, settling, disabling, replay, backlog. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import type { DeliveryTask, WebhookStore } from '../../store/webhook-store.js';
import { testDatabaseUrl } from '../../../test/helpers/test-database.js';

let dataDir: string;
let store: Store;
let hooks: WebhookStore;
let accountId: string;
let numberId: string;
const T = Date.parse('2026-06-01T12:00:00Z');
const SECRET = 'whsec_' + Buffer.alloc(24, 3).toString('base64');

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-webhook-store-'));
  store = await openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir), secretKey: 'test-secret-key-0123456789' });
  hooks = store.webhooks;
  accountId = (await store.createAccount({ name: 'a' }, T)).id;
  numberId = (await store.createNumber({ phoneNumberId: '1001', displayPhoneNumber: '+1', wabaId: '2001', accountId }, T)).id;
});
afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function accept(count: number, at = T, account = accountId): Promise<string[]> {
  const results = await store.acceptMessages(
    Array.from({ length: count }, (_, i) => ({ accountId: account, numberId, to: `4915100000${i}`, type: 'text' as const, payload: { type: 'text' }, creditCost: 0 })),
    at,
  );
  return results.map((r) => (r.kind === 'accepted' ? r.id : ''));
}

async function claimAll(endpointId: string, now = T): Promise<DeliveryTask[]> {
  return hooks.loadDeliveries(await store.webhookQueue.claim({ owner: 'w1', now, leaseMs: 60_000, limit: 100, lane: endpointId }));
}

describe('WebhookStore (SQLite)', () => {
  it('counts no backlog for an account without an enabled endpoint, fanned out or not', async () => {
    await hooks.createEndpoint({ accountId, url: 'https://c.example/h', secret: SECRET, enabled: false }, T);
    await accept(4);
    expect(await hooks.countBacklog(accountId)).toBe(0);
    await hooks.createEndpoint({ accountId, url: 'https://a.example/h', secret: SECRET }, T);
    expect(await hooks.countBacklog(accountId)).toBe(4);
  });

  it('fans each event out to the enabled endpoints whose filter matches, once', async () => {
    const all = await hooks.createEndpoint({ accountId, url: 'https://a.example/h', secret: SECRET }, T);
    const sentOnly = await hooks.createEndpoint({ accountId, url: 'https://b.example/h', secret: SECRET, eventTypes: ['message.sent'] }, T);
    const off = await hooks.createEndpoint({ accountId, url: 'https://c.example/h', secret: SECRET, enabled: false }, T);
    const ids = await accept(3);
    expect(await hooks.countBacklog(accountId)).toBe(3); // written, not yet fanned out
    expect(await hooks.fanOutEvents(T, 100)).toEqual({ events: 3, endpointIds: [all.id] });
    expect(await hooks.fanOutEvents(T, 100)).toEqual({ events: 0, endpointIds: [] });
    expect(await hooks.countBacklog(accountId)).toBe(3);
    const tasks = await claimAll(all.id);
    expect(tasks.map((t) => JSON.parse(t.data).message_id).sort()).toEqual([...ids].sort());
    expect(tasks[0]).toMatchObject({ eventType: 'message.accepted', attempts: 0, trigger: 'scheduled', eventAt: T });
    expect(tasks[0]!.eventId).toBe(`evt_${JSON.parse(tasks[0]!.data).message_id.slice(4)}`);
    expect(await claimAll(sentOnly.id)).toEqual([]);
    expect(await claimAll(off.id)).toEqual([]);
    expect(await hooks.endpointsWithPendingDeliveries()).toEqual([all.id]);
  });

  it('leases claims until they lapse, and frees every lease at start for a store of one process', async () => {
    const ep = await hooks.createEndpoint({ accountId, url: 'https://a.example/h', secret: SECRET }, T);
    await accept(2);
    await hooks.fanOutEvents(T, 100);
    expect(await claimAll(ep.id)).toHaveLength(2);
    expect(await claimAll(ep.id, T + 1000)).toHaveLength(0);
    expect(await claimAll(ep.id, T + 61_000)).toHaveLength(2); // lapsed
    expect(await store.webhookQueue.releaseAll()).toBe(2);
    expect(await claimAll(ep.id, T + 62_000)).toHaveLength(2);
  });

  it('settles attempts: rows, next attempt, failure streak cleared by a success, backlog', async () => {
    const ep = await hooks.createEndpoint({ accountId, url: 'https://a.example/h', secret: SECRET }, T);
    await accept(2);
    await hooks.fanOutEvents(T, 100);
    const [a, b] = await claimAll(ep.id);
    const failed = { outcome: { kind: 'status' as const, status: 500 }, statusCode: 500, durationMs: 3, excerpt: 'boom' };
    await hooks.settleAttempts([
      { task: a!, url: ep.url, result: failed, at: T + 10, next: { kind: 'retry', at: T + 5_000 } },
      { task: b!, url: ep.url, result: failed, at: T + 10, next: { kind: 'failed' } },
    ]);
    expect((await hooks.getEndpoint(accountId, ep.id))?.failingSince).toBe(T + 10);
    expect(await hooks.countBacklog(accountId)).toBe(1);
    expect(await claimAll(ep.id, T + 4_999)).toHaveLength(0);
    const [again] = await claimAll(ep.id, T + 5_000);
    expect(again).toMatchObject({ deliveryId: a!.deliveryId, attempts: 1 });
    await hooks.settleAttempts([{ task: again!, url: ep.url, result: { outcome: { kind: 'delivered' }, statusCode: 200, durationMs: 2, excerpt: '' }, at: T + 5_010, next: { kind: 'delivered' } }]);
    expect((await hooks.getEndpoint(accountId, ep.id))?.failingSince).toBeNull();
    expect(await hooks.countBacklog(accountId)).toBe(0);
    const page = await hooks.listAttempts(ep.id, { limit: 2 });
    expect(page.attempts.map((x) => x.statusCode)).toEqual([200, 500]);
    expect(page.nextCursor).not.toBeNull();
    expect((await hooks.listAttempts(ep.id, { limit: 2, cursor: page.nextCursor! })).attempts).toHaveLength(1);
  });

  it('disables an endpoint once: pending deliveries fail (replayable), endpoint.disabled is an event of the account', async () => {
    const ep = await hooks.createEndpoint({ accountId, url: 'https://a.example/h', secret: SECRET }, T);
    const watcher = await hooks.createEndpoint({ accountId, url: 'https://w.example/h', secret: SECRET, eventTypes: ['endpoint.disabled'] }, T);
    await accept(2);
    await hooks.fanOutEvents(T, 100);
    expect(await hooks.disableEndpoint(ep.id, 'no success for 5 days', T + 1)).toBe(true);
    expect(await hooks.disableEndpoint(ep.id, 'again', T + 2)).toBe(false);
    expect(await hooks.getEndpoint(accountId, ep.id)).toMatchObject({ enabled: false, disabledReason: 'no success for 5 days' });
    await hooks.fanOutEvents(T + 3, 100);
    const [event] = await claimAll(watcher.id, T + 3);
    expect(event?.eventType).toBe('endpoint.disabled');
    expect(JSON.parse(event!.data)).toMatchObject({ endpoint_id: ep.id, reason: 'no success for 5 days' });
    expect(await hooks.updateEndpoint(accountId, ep.id, { enabled: true }, T + 4)).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    expect(await hooks.replay(ep.id, { failedOnly: true }, T + 5)).toBe(2);
    expect((await claimAll(ep.id, T + 5)).map((t) => t.trigger)).toEqual(['manual', 'manual']);
  });

  it('replays a time range, including events the endpoint never got', async () => {
    await accept(2, T);
    await hooks.fanOutEvents(T, 100);
    const late = await hooks.createEndpoint({ accountId, url: 'https://late.example/h', secret: SECRET }, T + 1000);
    expect(await hooks.replay(late.id, { failedOnly: true }, T + 2000)).toBe(0);
    expect(await hooks.replay(late.id, { failedOnly: false, since: T - 1, until: T + 1 }, T + 2000)).toBe(2);
    expect(await hooks.replay(late.id, { failedOnly: false, since: T + 10 }, T + 2000)).toBe(0);
  });

  it('signs with the previous secret only during its grace period, and counts backlog per account', async () => {
    const ep = await hooks.createEndpoint({ accountId, url: 'https://a.example/h', secret: SECRET }, T);
    const next = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
    await hooks.rotateSecret(accountId, ep.id, next, T + 1000, T);
    expect((await hooks.getSigningEndpoint(ep.id, T + 999))?.secrets).toEqual([next, SECRET]);
    expect((await hooks.getSigningEndpoint(ep.id, T + 1000))?.secrets).toEqual([next]);
    const other = (await store.createAccount({ name: 'b' }, T)).id;
    await accept(1);
    await hooks.fanOutEvents(T, 100);
    expect(await hooks.countBacklog(accountId)).toBe(1);
    expect(await hooks.countBacklog(other)).toBe(0);
    expect(await hooks.deleteEndpoint(accountId, ep.id)).toBe(true);
    expect(await hooks.countBacklog(accountId)).toBe(0);
  });
});
