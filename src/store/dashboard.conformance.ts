/**
 * The conformance cases of the dashboard's reads, run once per engine: counts by bucket and status, failures merged by
 * catalog entry, queues and last-minute sends per number, endpoint attempts and backlog, one message's trail, each for
 * one account or all of them; and the error-code filter the message list uses.
 */
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { createSecretBox } from './secret-box.js';
import { errorIs } from './sql/error-json.js';
import { SqlAccounts } from './sql/sql-accounts.js';
import { SqlDashboardReads } from './sql/sql-dashboard-reads.js';

const MINUTE = 60_000;
const UNDELIVERABLE = JSON.stringify({ namespace: 'meta', code: 131026, detail: 'first wording' });
const UNDELIVERABLE_AGAIN = JSON.stringify({ namespace: 'meta', code: 131026, detail: 'second wording' });
const THROTTLED = JSON.stringify({ namespace: 'gateway', code: 'upstream_throttled', detail: 'slow down' });

export function describeDashboardReadsConformance(): void {
  describeEachEngine('Dashboard reads conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    const db = () => current().engine.db;
    const reads = () => new SqlDashboardReads(current().engine);
    let serial = 0;

    async function tenant() {
      const accounts = new SqlAccounts(current().engine, { secrets: createSecretBox('dashboard-conformance-secret') });
      const account = await accounts.createAccount({ name: 'dash' }, now);
      const number = await accounts.createNumber({ phoneNumberId: `${now}${(serial += 1)}`, displayPhoneNumber: '+1555', wabaId: 'w', accountId: account.id, maxMps: 10 }, now);
      async function message(status: string, createdAt: number, error: string | null = null): Promise<string> {
        const id = `msg_dash${String((serial += 1)).padStart(6, '0')}`;
        await db().insertInto('messages').values({
          id, account_id: account.id, number_id: number.id, recipient: '4915112345678', type: 'text', status, payload: '{}',
          status_times: JSON.stringify({ [status]: createdAt }), wamid: null, error, created_at: createdAt, updated_at: createdAt,
        }).execute();
        return id;
      }
      async function event(messageId: string, type: string, at: number): Promise<string> {
        const id = `evt_dash${String((serial += 1)).padStart(6, '0')}`;
        await db().insertInto('events').values({ id, account_id: account.id, type, subject_id: messageId, payload: JSON.stringify({ message_id: messageId }), created_at: at, fanned_out_at: at }).execute();
        return id;
      }
      return { account, number, message, event };
    }

    it('counts one account\u2019s messages per bucket by their status, and every account\u2019s for a null account', async () => {
      const a = await tenant();
      const b = await tenant();
      await a.message('read', now + 10_000);
      await a.message('read', now + 20_000);
      await a.message('failed', now + MINUTE + 5_000, UNDELIVERABLE);
      await a.message('read', now + 2 * MINUTE);
      await b.message('queued', now + 30_000);
      const window = { accountId: a.account.id, since: now, until: now + 2 * MINUTE, bucketMs: MINUTE };
      const counts = await reads().statusCounts(window);
      expect(counts).toEqual([{ at: now, status: 'read', count: 2 }, { at: now + MINUTE, status: 'failed', count: 1 }]);
      const everyone = await reads().statusCounts({ ...window, accountId: null });
      expect(everyone.filter((c) => c.at === now).map((c) => [c.status, c.count]).sort()).toEqual(expect.arrayContaining([['queued', 1], ['read', 2]]));
    });

    it('merges failures by catalog entry whatever their detail says, per bucket', async () => {
      const { account, message } = await tenant();
      await message('failed', now + 1_000, UNDELIVERABLE);
      await message('failed', now + 2_000, UNDELIVERABLE_AGAIN);
      await message('failed', now + 3_000, THROTTLED);
      await message('failed', now + MINUTE + 1_000, UNDELIVERABLE);
      await message('read', now + 4_000);
      const failures = await reads().failureCounts({ accountId: account.id, since: now, until: now + 2 * MINUTE, bucketMs: MINUTE });
      expect(failures).toEqual(expect.arrayContaining([
        { at: now, namespace: 'meta', code: 131026, count: 2 },
        { at: now, namespace: 'gateway', code: 'upstream_throttled', count: 1 },
        { at: now + MINUTE, namespace: 'meta', code: 131026, count: 1 },
      ]));
      expect(failures).toHaveLength(3);
    });

    it('reads each number\u2019s queue, oldest due job, hold and sends of the last minute', async () => {
      const { account, number, message, event } = await tenant();
      const queued = await message('queued', now - 5_000);
      const later = await message('accepted', now - 1_000);
      await db().insertInto('outbox').values([
        { id: `job_${queued}`, message_id: queued, number_id: number.id, due_at: now - 4_000, attempts: 1, lease_owner: null, lease_expires_at: null, created_at: now - 5_000, calling_since: null, first_attempt_at: null },
        { id: `job_${later}`, message_id: later, number_id: number.id, due_at: now + 60_000, attempts: 0, lease_owner: null, lease_expires_at: null, created_at: now - 1_000, calling_since: null, first_attempt_at: null },
      ]).execute();
      const sent = await message('sent', now - 30_000);
      await event(sent, 'message.sent', now - 30_000);
      const old = await message('sent', now - 5 * MINUTE);
      await event(old, 'message.sent', now - 5 * MINUTE);
      await db().updateTable('phone_numbers').set({ held_until: now + MINUTE, hold_error: THROTTLED }).where('id', '=', number.id).execute();
      const [activity] = await reads().numberActivity(account.id, now);
      expect(activity).toEqual({
        numberId: number.id, accountId: account.id, displayPhoneNumber: '+1555', registration: 'registered', maxMps: 10, paused: false,
        heldUntil: now + MINUTE, holdError: THROTTLED, jobs: 2, oldestDueAt: now - 4_000, sentLastMinute: 1,
      });
      expect((await reads().numberActivity(null, now)).map((n) => n.numberId)).toContain(number.id);
      expect((await reads().messageHistory(account.id, queued))?.pending).toEqual({ attempts: 1, firstAttemptAt: null, dueAt: now - 4_000 });
      expect((await reads().messageHistory(account.id, sent))?.pending).toBeNull();
    });

    it('reads each endpoint\u2019s backlog and its attempts since a time, delivered or not', async () => {
      const { account, message, event } = await tenant();
      const endpointId = `ep_dash${(serial += 1)}`;
      await db().insertInto('webhook_endpoints').values({
        id: endpointId, account_id: account.id, url: 'https://hooks.example/in', description: null, event_types: '[]', secret_sealed: 's',
        previous_secret_sealed: null, previous_secret_until: null, enabled: 1, disabled_reason: null, rate_limit_per_second: null, failing_since: null,
        created_at: now, updated_at: now,
      }).execute();
      const messageId = await message('read', now);
      const eventId = await event(messageId, 'message.read', now);
      const attempt = (id: string, outcome: string, at: number) => ({
        id, endpoint_id: endpointId, delivery_id: null, event_id: eventId, url: 'https://hooks.example/in', trigger: 'scheduled', outcome,
        status_code: outcome === 'delivered' ? 200 : 500, duration_ms: 12, response_excerpt: null, next_attempt_at: null, created_at: at,
      });
      await db().insertInto('webhook_attempts').values([
        attempt(`att_${serial}a`, 'status', now + 1), attempt(`att_${serial}b`, 'delivered', now + 2), attempt(`att_${serial}c`, 'delivered', now - MINUTE),
      ]).execute();
      await db().insertInto('webhook_deliveries').values({
        id: `dlv_${serial}`, event_id: eventId, endpoint_id: endpointId, account_id: account.id, status: 'pending', attempts: 1, next_attempt_at: now,
        lease_owner: null, lease_expires_at: null, created_at: now, updated_at: now,
      }).execute();
      expect(await reads().endpointActivity(account.id, now)).toEqual([
        { endpointId, accountId: account.id, url: 'https://hooks.example/in', enabled: true, pending: 1, delivered: 1, notDelivered: 1 },
      ]);

      const history = await reads().messageHistory(account.id, messageId);
      expect(history?.message.id).toBe(messageId);
      expect(history?.events.map((e) => e.type)).toEqual(['message.read']);
      expect(history?.attempts.map((a) => a.outcome)).toEqual(['status', 'delivered']);
    });

    it('answers a message\u2019s history to its own account or to every account only', async () => {
      const a = await tenant();
      const b = await tenant();
      const id = await a.message('failed', now, UNDELIVERABLE);
      await a.event(id, 'message.accepted', now);
      await a.event(id, 'message.failed', now + 1_000);
      expect((await reads().messageHistory(a.account.id, id))?.events.map((e) => e.type)).toEqual(['message.accepted', 'message.failed']);
      expect((await reads().messageHistory(null, id))?.message.accountId).toBe(a.account.id);
      expect(await reads().messageHistory(b.account.id, id)).toBeUndefined();
    });

    it('finds messages by the catalog entry of their error, with LIKE\u2019s wildcards taken literally', async () => {
      const { account, message } = await tenant();
      const undeliverable = await message('failed', now, UNDELIVERABLE);
      const throttled = await message('failed', now, THROTTLED);
      await message('failed', now, JSON.stringify({ namespace: 'gateway', code: 'upstreamXthrottled', detail: 'not the same code' }));
      const matching = (entry: { namespace: string; code: string | number }) =>
        db().selectFrom('messages').select('id').where('account_id', '=', account.id).where(errorIs(entry)).execute().then((rows) => rows.map((r) => r.id));
      expect(await matching({ namespace: 'meta', code: 131026 })).toEqual([undeliverable]);
      expect(await matching({ namespace: 'gateway', code: 'upstream_throttled' })).toEqual([throttled]);
      expect(await matching({ namespace: 'meta', code: 1310 })).toEqual([]);
    });
  });
}
