/**
 * Delivery control against the simulator, over real sockets: scheduled sends leave at `send_at` and not before, a
 * canceled message never reaches the upstream and its credit comes back, cancels racing the dispatcher end every
 * message sent XOR canceled (the simulator's log agreeing), validity ends a message that waited too long, and the
 * caller's `client_ref` and `metadata` come back in every signed event.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';
import { startReceiver, type Receiver } from './webhooks-harness.js';

const template = (to: string, extra: Record<string, unknown> = {}) => ({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' }, ...extra });

describe('delivery control against the simulator', () => {
  let h: DispatchHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startDispatchHarness({ simulator: { recordLimit: 50_000 }, gateway: { webhookAllowPrivate: true } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  const call = async (sender: Sender, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${h.gateway.url}${path}`, {
      method,
      headers: { 'x-api-key': sender.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** The simulator's sends of a message: the dispatcher posts our id as Meta's callback data. */
  const sendsOf = (sender: Sender, id: string) => h.upstreamSends(sender).filter((r) => (r.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data === id);
  const creditOf = async (sender: Sender) => (await h.gateway.store.getAccount(sender.accountId))?.credit;
  const accepted = (res: { status: number; body: Record<string, unknown> }): string => {
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return String(res.body['id']);
  };

  it('sends a scheduled message once send_at comes, not before, within a second of it', async () => {
    const sender = await h.createSender();
    const sendAt = Date.now() + 1_500;
    const id = accepted(await h.send(sender, template('4915100000001', { send_at: new Date(sendAt).toISOString() })));
    expect(await h.message(sender, id)).toMatchObject({ status: 'scheduled', send_at: new Date(sendAt).toISOString() });
    const [arrived] = await h.waitFor(() => (sendsOf(sender, id).length > 0 ? sendsOf(sender, id) : undefined), 10_000);
    console.log(`scheduled send reached the simulator ${arrived!.at - sendAt} ms after its send_at`);
    expect(arrived!.at).toBeGreaterThanOrEqual(sendAt);
    expect(arrived!.at - sendAt).toBeLessThan(1_000);
  });

  it('checks the time-dependent rules again when a scheduled message is due: each refusal fails it, unsent, refunded', async () => {
    const sender = await h.createSender();
    await h.gateway.store.credit.topUp(sender.accountId, 5, 'topup', null, Date.now());
    const sendAt = new Date(Date.now() + 800).toISOString();
    // No window now, none at send time: accepted (the window of now says nothing about send_at), failed when due.
    const closed = accepted(await h.send(sender, { to: '4915100000010', type: 'text', text: { body: 'see you' }, send_at: sendAt }));
    // The recipient opts out between the accept and send_at.
    const optedOut = accepted(await h.send(sender, template('4915100000011', { send_at: sendAt })));
    await h.gateway.store.recordOptOut(sender.accountId, '4915100000011', Date.now());
    const fine = accepted(await h.send(sender, template('4915100000012', { send_at: sendAt })));
    await h.waitForStatus(sender, [closed, optedOut], ['failed'], 10_000);
    expect(await h.message(sender, closed)).toMatchObject({ error: { code: 'outside_service_window' } });
    expect(await h.message(sender, optedOut)).toMatchObject({ error: { code: 'recipient_opted_out' } });
    await h.waitForStatus(sender, [fine], ['sent', 'delivered', 'read'], 10_000);
    expect([...sendsOf(sender, closed), ...sendsOf(sender, optedOut)]).toEqual([]);
    // Account reads are cached for a second: the refunds show once it has passed.
    await h.waitFor(async () => ((await creditOf(sender)) === 4 ? true : undefined), 5_000);
  });

  it('refuses a send_at in the past or beyond the horizon, and too large metadata, with catalog codes', async () => {
    const sender = await h.createSender();
    const past = await h.send(sender, template('4915100000002', { send_at: new Date(Date.now() - 3_600_000).toISOString() }));
    expect(past).toMatchObject({ status: 400, body: { code: 'send_at_out_of_range', field: 'send_at' } });
    const far = await h.send(sender, template('4915100000002', { send_at: new Date(Date.now() + 40 * 86_400_000).toISOString() }));
    expect(far).toMatchObject({ status: 400, body: { code: 'send_at_out_of_range' } });
    const big = await h.send(sender, template('4915100000002', { metadata: { blob: 'x'.repeat(3_000) } }));
    expect(big).toMatchObject({ status: 400, body: { code: 'metadata_too_large', field: 'metadata' } });
    const batch = await call(sender, 'POST', '/v1/messages/batch', { messages: [template('4915100000003', { priority: 'urgent' })] });
    expect(batch.body).toMatchObject({ results: [{ status: 'rejected', error: { code: 'invalid_request', field: 'messages[0].priority' } }] });
  });

  it('cancels a scheduled message: it never reaches the simulator and its credit is back', async () => {
    const sender = await h.createSender();
    await h.gateway.store.credit.topUp(sender.accountId, 10, 'topup', null, Date.now());
    const id = accepted(await h.send(sender, template('4915100000004', { send_at: new Date(Date.now() + 1_000).toISOString() })));
    expect(await creditOf(sender)).toBe(9);
    const canceled = await call(sender, 'DELETE', `/v1/messages/${id}`);
    expect(canceled).toMatchObject({ status: 200, body: { id, status: 'canceled' } });
    expect(await creditOf(sender)).toBe(10);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sendsOf(sender, id)).toEqual([]);
    expect((await h.message(sender, id)).status).toBe('canceled');
    expect(await h.eventsOf(id)).toEqual(['message.accepted', 'message.canceled']);
    // Gone already: canceling again answers the same; a sent message answers 409.
    expect((await call(sender, 'DELETE', `/v1/messages/${id}`)).status).toBe(200);
    const sent = accepted(await h.send(sender, template('4915100000005')));
    await h.waitForStatus(sender, [sent], ['sent', 'delivered', 'read']);
    expect(await call(sender, 'DELETE', `/v1/messages/${sent}`)).toMatchObject({ status: 409, body: { code: 'message_not_cancelable' } });
  });

  it('ends each of 1,000 messages sent XOR canceled when half are canceled while the number sends at its pace', async () => {
    const sender = await h.createSender({ mps: 100 });
    const ids: string[] = [];
    for (let part = 0; part < 2; part++) {
      const messages = Array.from({ length: 500 }, (_, i) => template(`4916${String(10_000_000 + part * 500 + i)}`));
      const res = await call(sender, 'POST', '/v1/messages/batch', { messages });
      expect(res.status).toBe(202);
      for (const r of res.body['results'] as { id: string }[]) ids.push(r.id);
    }
    await h.waitFor(() => (h.upstreamSends(sender).length >= 50 ? true : undefined));
    const toCancel = ids.filter((_, i) => i % 2 === 1);
    const answers = new Map<string, number>();
    for (let i = 0; i < toCancel.length; i += 25)
      await Promise.all(toCancel.slice(i, i + 25).map(async (id) => answers.set(id, (await call(sender, 'DELETE', `/v1/messages/${id}`)).status)));
    await h.waitForStatus(sender, ids, ['sent', 'delivered', 'read', 'canceled'], 60_000);

    const statuses = await Promise.all(ids.map(async (id) => String((await h.message(sender, id)).status)));
    const calledIds = new Map<string, number>();
    for (const r of h.upstreamSends(sender)) {
      const callback = (r.body as { biz_opaque_callback_data: string }).biz_opaque_callback_data;
      calledIds.set(callback, (calledIds.get(callback) ?? 0) + 1);
    }
    let canceled = 0;
    ids.forEach((id, i) => {
      const status = statuses[i]!;
      if (status === 'canceled') {
        canceled += 1;
        expect(answers.get(id), id).toBe(200);
        expect(calledIds.has(id), `${id} canceled yet sent`).toBe(false);
      } else {
        expect(['sent', 'delivered', 'read']).toContain(status);
        expect(calledIds.get(id), `${id} sent`).toBe(1);
        if (answers.has(id)) expect(answers.get(id)).toBe(409);
      }
    });
    console.log(`cancel race: ${canceled} of ${toCancel.length} cancels won, ${ids.length - canceled} messages sent`);
    expect(canceled).toBeGreaterThan(0);
    expect(canceled).toBeLessThan(toCancel.length + 1);
  }, 90_000);

  it('fails a message whose validity ends while its number is held back by its pace: expired, never sent, credit back', async () => {
    const sender = await h.createSender({ mps: 2 });
    await h.gateway.store.credit.topUp(sender.accountId, 20, 'topup', null, Date.now());
    const ahead = await Promise.all(Array.from({ length: 8 }, (_, i) => h.send(sender, template(`49152000000${i}`)).then(accepted)));
    const short = accepted(await h.send(sender, template('4915200000099', { validity_seconds: 1 })));
    await h.waitForStatus(sender, [short], ['failed'], 20_000);
    expect(await h.message(sender, short)).toMatchObject({ status: 'failed', error: { namespace: 'gateway', code: 'expired' } });
    await h.waitForStatus(sender, ahead, ['sent', 'delivered', 'read'], 20_000);
    expect(sendsOf(sender, short)).toEqual([]);
    await h.waitFor(async () => ((await creditOf(sender)) === 20 - ahead.length ? true : undefined), 5_000);
  }, 30_000);

  it('expires on time a message whose number is paused for new credentials, without waiting for the number to resume', async () => {
    const sender = await h.createSender();
    const fault = h.simulator.admin.addFault({ error: 190, count: 1000, match: { phoneNumberId: sender.phoneNumberId } });
    try {
      const first = accepted(await h.send(sender, template('4915300000001')));
      await h.waitFor(() => sendsOf(sender, first).length >= 1 || undefined, 5_000);
      // The number is paused now (Meta refused its token); this one waits in the queue with two seconds to live.
      const short = accepted(await h.send(sender, template('4915300000002', { validity_seconds: 2 })));
      await h.waitForStatus(sender, [short], ['failed'], 10_000);
      expect(await h.message(sender, short)).toMatchObject({ status: 'failed', error: { namespace: 'gateway', code: 'expired' } });
      expect(sendsOf(sender, short)).toEqual([]);
      expect((await h.message(sender, first)).status).toBe('accepted');
    } finally {
      h.simulator.admin.removeFault(fault.id);
    }
  }, 30_000);

  it('gives sends that name none the account\u2019s default lane and validity, set through the admin API', async () => {
    const sender = await h.createSender();
    const patch = await fetch(`${h.gateway.url}/v1/admin/accounts/${sender.accountId}`, {
      method: 'PATCH', headers: { 'x-api-key': h.config.adminKey!, 'content-type': 'application/json' },
      body: JSON.stringify({ default_priority: 'bulk', default_validity_seconds: 600 }),
    });
    expect(await patch.json()).toMatchObject({ default_priority: 'bulk', default_validity_seconds: 600 });
    const before = Date.now();
    const id = accepted(await h.send(sender, template('4915400000001', { send_at: new Date(before + 60_000).toISOString() })));
    const stored = await h.message(sender, id);
    expect(stored).toMatchObject({ priority: 'bulk', expires_at: new Date(Date.parse(String(stored['send_at'])) + 600_000).toISOString() });
    expect(await h.message(sender, accepted(await h.send(sender, template('4915400000002', { priority: 'high' }))))).toMatchObject({ priority: 'high' });
  });

  it('echoes client_ref and metadata in every event about a message, signed as ever', async () => {
    const sender = await h.createSender();
    const endpoint = await call(sender, 'POST', '/v1/webhooks', { url: receiver.url });
    expect(endpoint.status).toBe(201);
    const echo = { client_ref: 'order-77', metadata: { customer: 'c_42', tier: 2 } };
    const sent = accepted(await h.send(sender, template('4915300000001', echo)));
    const later = accepted(await h.send(sender, template('4915300000002', { ...echo, send_at: new Date(Date.now() + 60_000).toISOString() })));
    expect((await call(sender, 'DELETE', `/v1/messages/${later}`)).status).toBe(200);
    // The Cloud API's own field means the same as client_ref.
    const cloud = await fetch(`${h.gateway.url}/${h.config.graphVersion}/${sender.phoneNumberId}/messages`, {
      method: 'POST', headers: { authorization: `Bearer ${sender.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', ...template('4915300000003'), biz_opaque_callback_data: 'order-78' }),
    });
    expect(cloud.status).toBe(200);
    const verify = (x: (typeof receiver.received)[number]) => new Webhook(String(endpoint.body['secret'])).verify(x.body, {
      'webhook-id': String(x.headers['webhook-id']), 'webhook-timestamp': String(x.headers['webhook-timestamp']), 'webhook-signature': String(x.headers['webhook-signature']),
    }) as { type: string; data: Record<string, unknown> };
    const about = (id: string) => receiver.received.map(verify).filter((e) => e.data['message_id'] === id);
    await h.waitFor(() => (about(sent).length >= 4 && about(later).length >= 2 ? true : undefined));
    expect(about(sent).map((e) => e.type).sort()).toEqual(['message.accepted', 'message.delivered', 'message.read', 'message.sent']);
    expect(about(later).map((e) => e.type).sort()).toEqual(['message.accepted', 'message.canceled']);
    for (const event of [...about(sent), ...about(later)]) expect(event.data, event.type).toMatchObject(echo);
    await h.waitFor(() => (receiver.received.map(verify).some((e) => e.data['client_ref'] === 'order-78' && e.type === 'message.sent') ? true : undefined));
    const filtered = await call(sender, 'GET', '/v1/messages?client_ref=order-77');
    expect((filtered.body['data'] as { id: string }[]).map((m) => m.id).sort()).toEqual([sent, later].sort());
  });
});
