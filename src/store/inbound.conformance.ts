/**
 * The inbound port's conformance cases, run once per engine: every InboundStore method (Meta's raw deliveries, their
 * statuses and customer messages). The statuses' moves through every state are in dispatch.conformance.ts.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { seedMessages, seedTenant, type Tenant } from '../../test/helpers/outbox-rows.js';
import { gatewayError } from '../catalog/switchboard-error.js';
import type { CustomerMessageEvent, StatusEvent, UpstreamStatus } from '../domain/meta-events.js';
import { SqlInbound } from './sql/sql-inbound.js';

export function describeInboundConformance(): void {
  describeEachEngine('InboundStore conformance', (current) => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    let inbound: SqlInbound;
    beforeEach(() => {
      inbound = new SqlInbound(current().engine);
    });
    const db = () => current().engine.db;
    let serial = 0;
    const unique = (prefix: string) => `${prefix}.${(serial += 1)}`;
    const status = (tenant: Tenant, wamid: string, value: UpstreamStatus, callbackData?: string): StatusEvent => ({
      kind: 'status', phoneNumberId: tenant.phoneNumberId, wamid, status: value, at: now - 5_000, recipientId: '4915112345678', errors: [],
      ...(callbackData === undefined ? {} : { callbackData }),
    });
    const message = (id: string) => db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const eventsOf = async (subjectId: string) =>
      (await db().selectFrom('events').select(['account_id', 'type', 'payload', 'created_at']).where('subject_id', '=', subjectId).orderBy('id').execute())
        .map((e) => ({ accountId: e.account_id, type: e.type, data: JSON.parse(e.payload) as Record<string, unknown>, at: e.created_at }));

    it('keeps Meta’s deliveries as they came, hands out the unapplied ones oldest first, and marks them applied', async () => {
      const pending = await inbound.pendingMetaWebhooks(1_000);
      await inbound.markMetaWebhooksApplied(pending.map((p) => p.id), now);
      const later = await inbound.saveMetaWebhook('{"b":2}', now + 1);
      const earlier = await inbound.saveMetaWebhook('{"a":1}', now);
      const third = await inbound.saveMetaWebhook('{"c":3}', now + 2);
      expect(later).toMatch(/^mwh_/);
      expect(await inbound.pendingMetaWebhooks(2)).toEqual([{ id: earlier, body: '{"a":1}' }, { id: later, body: '{"b":2}' }]);
      await inbound.markMetaWebhooksApplied([earlier, third], now + 3);
      await inbound.markMetaWebhooksApplied([], now + 3);
      expect(await inbound.pendingMetaWebhooks(10)).toEqual([{ id: later, body: '{"b":2}' }]);
      const applied = await db().selectFrom('meta_webhooks').select('applied_at').where('id', '=', earlier).executeTakeFirstOrThrow();
      expect(applied.applied_at).toBe(now + 3);
    });

    it('moves messages by wamid with their events, once, and tells which statuses moved nothing or named no message', async () => {
      const tenant = await seedTenant(current().engine, now);
      const wamid = unique('wamid.S');
      const [m] = await seedMessages(current().engine, tenant, 1, { at: now, status: 'queued', wamid });
      const outcomes = await inbound.applyStatuses([
        { status: status(tenant, wamid, 'delivered'), error: undefined },
        { status: status(tenant, wamid, 'sent'), error: undefined },
        { status: status(tenant, unique('wamid.UNKNOWN'), 'read'), error: undefined },
      ], now + 1);
      expect(outcomes).toEqual(['moved', 'unchanged', 'unknown_message']);
      const stored = await message(m!.messageId);
      expect(stored).toMatchObject({ status: 'delivered', updated_at: now + 1, error: null });
      // Our clock, not Meta's: status times never run backwards.
      expect(JSON.parse(stored.status_times)).toEqual({ queued: now, delivered: now + 1 });
      expect(await eventsOf(m!.messageId)).toEqual([
        { accountId: tenant.accountId, type: 'message.delivered', data: { message_id: m!.messageId, to: '4915112345678', wamid }, at: now + 1 },
      ]);
      expect(await inbound.applyStatuses([], now)).toEqual([]);
    });

    it('fails a message on Meta’s failed status, keeping the error it gave (or none)', async () => {
      const tenant = await seedTenant(current().engine, now);
      const [withError, without] = [unique('wamid.F'), unique('wamid.F')];
      const [a] = await seedMessages(current().engine, tenant, 1, { at: now, status: 'sent', wamid: withError });
      const [b] = await seedMessages(current().engine, tenant, 1, { at: now, status: 'sent', wamid: without });
      const error = gatewayError('upstream_rejected', { detail: 'Message undeliverable' });
      expect(await inbound.applyStatuses([
        { status: status(tenant, withError, 'failed'), error },
        { status: status(tenant, without, 'failed'), error: undefined },
      ], now + 1)).toEqual(['moved', 'moved']);
      expect(JSON.parse((await message(a!.messageId)).error!)).toMatchObject({ namespace: error.entry.namespace, code: error.entry.code });
      expect(await message(b!.messageId)).toMatchObject({ status: 'failed', error: null });
      expect(await eventsOf(a!.messageId)).toMatchObject([{ type: 'message.failed', data: { wamid: withError, error: { code: error.entry.code } } }]);
      expect(await eventsOf(b!.messageId)).toMatchObject([{ type: 'message.failed', data: { error: null } }]);
    });

    it('ties a wamid to the message its callback data names, once, and makes its waiting job due now', async () => {
      const tenant = await seedTenant(current().engine, now);
      const [m] = await seedMessages(current().engine, tenant, 1, { at: now + 60_000 });
      const [early] = await seedMessages(current().engine, tenant, 1, { at: now - 1 });
      const wamid = unique('wamid.CB');
      expect(await inbound.applyStatuses([{ status: status(tenant, wamid, 'sent', m!.messageId), error: undefined }], now)).toEqual(['moved']);
      expect(await message(m!.messageId)).toMatchObject({ status: 'sent', wamid });
      const job = await db().selectFrom('outbox').select('due_at').where('message_id', '=', m!.messageId).executeTakeFirstOrThrow();
      expect(job.due_at).toBe(now);
      // A job due already stays as due as it was; a message with a wamid of its own is not found by callback data.
      expect(await inbound.applyStatuses([{ status: status(tenant, unique('wamid.CB'), 'sent', early!.messageId), error: undefined }], now)).toEqual(['moved']);
      expect((await db().selectFrom('outbox').select('due_at').where('message_id', '=', early!.messageId).executeTakeFirstOrThrow()).due_at).toBe(now - 1);
      expect(await inbound.applyStatuses([{ status: status(tenant, unique('wamid.OTHER'), 'read', m!.messageId), error: undefined }], now)).toEqual(['unknown_message']);
      expect((await message(m!.messageId)).wamid).toBe(wamid);
    });

    it('applies a batch of many messages’ statuses message by message, in the order they came', async () => {
      const tenant = await seedTenant(current().engine, now);
      const [wa, wc] = [unique('wamid.A'), unique('wamid.C')];
      const [a] = await seedMessages(current().engine, tenant, 1, { at: now, status: 'queued', wamid: wa });
      const [b] = await seedMessages(current().engine, tenant, 1, { at: now, status: 'queued' });
      const [c] = await seedMessages(current().engine, tenant, 1, { at: now, status: 'sent', wamid: wc });
      const wb = unique('wamid.B');
      const error = gatewayError('upstream_rejected', { detail: 'Message undeliverable' });
      const outcomes = await inbound.applyStatuses([
        { status: status(tenant, wa, 'sent'), error: undefined },
        { status: status(tenant, wb, 'sent', b!.messageId), error: undefined },
        { status: status(tenant, wa, 'delivered'), error: undefined },
        { status: status(tenant, wb, 'delivered', b!.messageId), error: undefined },
        { status: status(tenant, wc, 'failed'), error },
        { status: status(tenant, wa, 'sent'), error: undefined },
        { status: status(tenant, wa, 'read'), error: undefined },
        { status: status(tenant, wc, 'read'), error: undefined },
        // The callback data's message has its wamid now: another wamid does not take it.
        { status: status(tenant, unique('wamid.B2'), 'read', b!.messageId), error: undefined },
      ], now + 1);
      expect(outcomes).toEqual(['moved', 'moved', 'moved', 'moved', 'moved', 'unchanged', 'moved', 'unchanged', 'unknown_message']);
      expect(await message(a!.messageId)).toMatchObject({ status: 'read', wamid: wa });
      expect(JSON.parse((await message(a!.messageId)).status_times)).toEqual({ queued: now, sent: now + 1, delivered: now + 1, read: now + 1 });
      expect(await message(b!.messageId)).toMatchObject({ status: 'delivered', wamid: wb });
      expect(await message(c!.messageId)).toMatchObject({ status: 'failed' });
      expect((await eventsOf(a!.messageId)).map((e) => e.type)).toEqual(['message.sent', 'message.delivered', 'message.read']);
      expect((await eventsOf(b!.messageId)).map((e) => [e.type, e.data.wamid])).toEqual([['message.sent', wb], ['message.delivered', wb]]);
      expect(await eventsOf(c!.messageId)).toMatchObject([{ type: 'message.failed', data: { wamid: wc, error: { code: error.entry.code } } }]);
    });

    it('finds which number and account a phone number id belongs to', async () => {
      const tenant = await seedTenant(current().engine, now);
      expect(await inbound.findNumberOwner(tenant.phoneNumberId)).toEqual({ numberId: tenant.numberId, accountId: tenant.accountId });
      expect(await inbound.findNumberOwner('0000')).toBeUndefined();
    });

    it('stores a customer message once with its event, answering when it was first received', async () => {
      const tenant = await seedTenant(current().engine, now);
      const owner = { numberId: tenant.numberId, accountId: tenant.accountId };
      const customer = (at: number): CustomerMessageEvent => ({
        kind: 'message', phoneNumberId: tenant.phoneNumberId, wamid: 'wamid.IN.1' + tenant.numberId, from: '4915100000001', at, type: 'text', text: 'STOP', raw: { id: 'x' },
      });
      expect(await inbound.saveCustomerMessage(owner, customer(now - 10), now)).toBe(now - 10);
      expect(await inbound.saveCustomerMessage(owner, customer(now + 50), now + 60)).toBe(now - 10);
      const wamid = customer(0).wamid;
      expect(await eventsOf(wamid)).toEqual([{
        accountId: tenant.accountId, type: 'message.received', at: now,
        data: { wamid, from: '4915100000001', number_id: tenant.numberId, type: 'text', text: 'STOP', message: { id: 'x' } },
      }]);
      const row = await db().selectFrom('inbound_messages').selectAll().where('wamid', '=', wamid).executeTakeFirstOrThrow();
      expect(row).toEqual({ wamid, number_id: tenant.numberId, account_id: tenant.accountId, sender: '4915100000001', type: 'text', body: 'STOP', payload: '{"id":"x"}', received_at: now - 10 });
      // Meta's time missing: ours; a number of no account: stored, and no event to tell anyone.
      const orphan = { numberId: tenant.numberId, accountId: null };
      const lost = { ...customer(0), wamid: `${wamid}.orphan` };
      expect(await inbound.saveCustomerMessage(orphan, lost, now + 5)).toBe(now + 5);
      expect(await eventsOf(lost.wamid)).toEqual([]);
    });
  });
}
