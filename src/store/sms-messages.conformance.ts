/**
 * SMS messages in the store, run once per engine: SMS jobs in the shared outbox claimed by connector only, segment ids
 * kept and receipts combined into one outcome with its event, and a failover queued once with its credit.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { seedMessages, seedTenant, TEST_SECRETS, type Tenant } from '../../test/helpers/outbox-rows.js';
import { requireEntry } from '../catalog/catalog.js';
import type { PendingFailover } from './failover-store.js';
import { SqlDispatch } from './sql/sql-dispatch.js';
import { SqlFailover } from './sql/sql-failover.js';
import { SqlOutboxQueue } from './sql/sql-outbox-queue.js';
import { SqlSms } from './sql/sql-sms.js';

const LEASE = 30_000;
const CONNECTOR = { name: 'Carrier', host: 'smsc.example', port: 2775, systemId: 'acme', password: 'pw', throughputPerSecond: 10, window: 2 };

export function describeSmsMessagesConformance(): void {
  describeEachEngine('SMS messages conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    let sms: SqlSms;
    let dispatch: SqlDispatch;
    let queue: SqlOutboxQueue;
    let failover: SqlFailover;
    beforeEach(() => {
      sms = new SqlSms(current().engine, TEST_SECRETS);
      dispatch = new SqlDispatch(current().engine, TEST_SECRETS);
      queue = new SqlOutboxQueue(current().engine);
      failover = new SqlFailover(current().engine);
    });
    const db = () => current().engine.db;
    let era = 0;
    const nextEra = () => now - (era += 1) * 1e9;
    const message = (id: string) => db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const eventsOf = async (subjectId: string) =>
      (await db().selectFrom('events').select(['type', 'payload']).where('subject_id', '=', subjectId).orderBy('id').execute())
        .map((e) => ({ type: e.type, data: JSON.parse(e.payload) as Record<string, unknown> }));

    /** One SMS message of a fresh tenant, its job queued on a new connector. */
    async function seedSms(at: number, options: { enabled?: boolean; tenant?: Tenant } = {}) {
      const tenant = options.tenant ?? await seedTenant(current().engine, at);
      const connector = await sms.createConnector({ ...CONNECTOR, enabled: options.enabled ?? true }, at);
      const [m] = await seedMessages(current().engine, tenant, 1, { at });
      await db().updateTable('messages').set({ number_id: connector.id, payload: JSON.stringify({ channel: 'sms', from: 'Acme', text: { body: 'hi' }, encoding: 'gsm7', segments: 2 }) }).where('id', '=', m!.messageId).execute();
      await db().updateTable('outbox').set({ number_id: connector.id }).where('message_id', '=', m!.messageId).execute();
      return { tenant, connectorId: connector.id, messageId: m!.messageId };
    }

    it('claims SMS jobs by enabled connector only; the WhatsApp claim never sees them', async () => {
      const t = nextEra();
      const on = await seedSms(t);
      const off = await seedSms(t, { enabled: false });
      const [whatsapp] = await seedMessages(current().engine, on.tenant, 1, { at: t });
      const claimed = await sms.claimSmsJobs({ owner: 'sms', now: t, leaseMs: LEASE, limit: 10 });
      expect(claimed.map((j) => j.messageId)).toEqual([on.messageId]);
      expect(claimed[0]).toMatchObject({ numberId: on.connectorId, interrupted: false, probe: false });
      expect(await sms.claimSmsJobs({ owner: 'other', now: t, leaseMs: LEASE, limit: 10 })).toEqual([]);
      const whatsappClaim = await queue.claim({ owner: 'wa', now: t, leaseMs: LEASE, limit: 10 });
      expect(whatsappClaim.map((j) => j.messageId)).toEqual([whatsapp!.messageId]);
      expect(whatsappClaim.map((j) => j.messageId)).not.toContain(off.messageId);
    });

    it('keeps the segments\u2019 ids, ties the first to the message, and delivers it once every segment is delivered', async () => {
      const t = nextEra();
      const { connectorId, messageId } = await seedSms(t);
      const [task] = await dispatch.loadTasks(await sms.claimSmsJobs({ owner: 'sms', now: t, leaseMs: LEASE, limit: 1 }), t);
      await sms.recordSmsSubmits(messageId, connectorId, ['a1', 'a2'], t + 1);
      expect((await message(messageId)).wamid).toBe(`${connectorId}:a1`);
      // Before the message is settled as sent, a receipt waits (answered as not yet ours).
      expect(await sms.applySmsReceipt(connectorId, 'a1', { kind: 'delivered' }, t + 1)).toBe('unknown');
      expect(await dispatch.markCalls('sms', [task!], t + 2)).toEqual([{ kind: 'sent', wamid: `${connectorId}:a1` }]);
      await dispatch.settleSent([{ task: task!, wamid: `${connectorId}:a1`, at: t + 2 }]);
      expect(await sms.applySmsReceipt(connectorId, 'nope', { kind: 'delivered' }, t + 3)).toBe('unknown');
      expect(await sms.applySmsReceipt(connectorId, 'a2', { kind: 'pending' }, t + 3)).toBe('pending');
      expect(await sms.applySmsReceipt(connectorId, 'a2', { kind: 'delivered' }, t + 3)).toBe('pending');
      expect((await message(messageId)).status).toBe('sent');
      expect(await sms.applySmsReceipt(connectorId, 'a1', { kind: 'delivered' }, t + 4)).toBe('applied');
      expect((await message(messageId)).status).toBe('delivered');
      expect(await sms.applySmsReceipt(connectorId, 'a1', { kind: 'delivered' }, t + 5)).toBe('applied');
      const events = await eventsOf(messageId);
      expect(events.map((e) => e.type)).toEqual(['message.sent', 'message.delivered']);
      expect(events[1]!.data).toMatchObject({ message_id: messageId, channel: 'sms' });
    });

    it('fails the message with the first failed segment\u2019s catalog entry', async () => {
      const t = nextEra();
      const { connectorId, messageId } = await seedSms(t);
      await sms.recordSmsSubmits(messageId, connectorId, ['b1', 'b2'], t);
      await db().updateTable('messages').set({ status: 'sent' }).where('id', '=', messageId).execute();
      expect(await sms.applySmsReceipt(connectorId, 'b2', { kind: 'failed', entry: requireEntry('sms', 8) }, t + 1)).toBe('applied');
      const failed = await message(messageId);
      expect([failed.status, JSON.parse(failed.error!)]).toEqual(['failed', expect.objectContaining({ namespace: 'sms', code: 8 })]);
      expect((await eventsOf(messageId)).map((e) => [e.type, e.data['channel']])).toEqual([['message.failed', 'sms']]);
    });

    it('queues a failover SMS once, with its reservation and events; refuses it when credit falls short', async () => {
      const t = nextEra();
      const tenant = await seedTenant(current().engine, t, { credit: 5 });
      const connector = await sms.createConnector(CONNECTOR, t);
      const [a, b] = await seedMessages(current().engine, tenant, 2, { at: t, status: 'failed', withoutJob: true });
      for (const m of [a!, b!]) {
        await db().updateTable('messages').set({ failover: JSON.stringify({ channel: 'sms', text: 'hi' }), failover_state: 'pending', error: JSON.stringify({ namespace: 'meta', code: 131026 }) }).where('id', '=', m.messageId).execute();
      }
      const due = (await failover.dueFailovers(t, 100)).filter((p) => p.accountId === tenant.accountId);
      expect(due.map((p) => [p.messageId, p.error])).toEqual([[a!.messageId, { namespace: 'meta', code: 131026 }], [b!.messageId, { namespace: 'meta', code: 131026 }]]);
      const sms3 = (p: PendingFailover, cost: number) => failover.triggerFailover(p, { reason: 'whatsapp_failed', connectorId: connector.id, payload: { channel: 'sms', from: 'Acme', text: { body: 'hi' } }, cost }, t + 1);
      const first = await sms3(due[0]!, 3);
      expect(first).toEqual({ kind: 'triggered', smsMessageId: expect.stringMatching(/^msg_/) });
      expect(await sms3(due[0]!, 3)).toEqual({ kind: 'gone' });
      expect(await sms3(due[1]!, 3)).toEqual({ kind: 'refused' });
      const smsId = first.kind === 'triggered' ? first.smsMessageId : '';
      expect(await message(smsId)).toMatchObject({ status: 'accepted', number_id: connector.id, recipient: '4915112345678' });
      expect(await db().selectFrom('outbox').select('number_id').where('message_id', '=', smsId).execute()).toEqual([{ number_id: connector.id }]);
      expect((await db().selectFrom('accounts').select('credit').where('id', '=', tenant.accountId).executeTakeFirstOrThrow()).credit).toBe(2);
      expect((await message(a!.messageId))).toMatchObject({ failover_state: 'triggered', failover_message_id: smsId });
      expect((await message(b!.messageId))).toMatchObject({ failover_state: 'refused', failover_message_id: null });
      expect((await eventsOf(a!.messageId)).map((e) => [e.type, e.data['status'], e.data['sms_message_id']])).toEqual([['message.failover', 'triggered', smsId]]);
      expect((await eventsOf(b!.messageId)).map((e) => [e.type, e.data['status']])).toEqual([['message.failover', 'refused']]);
      expect((await eventsOf(smsId)).map((e) => [e.type, e.data['channel']])).toEqual([['message.accepted', 'sms']]);
      expect((await failover.dueFailovers(t + 2, 100)).filter((p) => p.accountId === tenant.accountId)).toEqual([]);
    });
  });
}
