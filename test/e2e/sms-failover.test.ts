/**
 * WhatsApp-to-SMS failover over real sockets (gateway ↔ Cloud API simulator and SMSC simulator): a template to a
 * number without WhatsApp fails with meta/131026 and its SMS goes once, with the record and events showing both; a
 * send with `after_seconds` falls over when no `delivered` arrives in time, and one delivered in time does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueFailovers } from '../../src/app/failover.js';
import { startSmscSimulator, type SmscSimulator } from '../../src/simulator/smsc/smsc-simulator.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';
import { readTestDatabase } from '../helpers/test-database.js';

describe('failover to SMS', () => {
  let h: DispatchHarness;
  let carrier: SmscSimulator;
  let sender: Sender;
  const submitsTo = (to: string) => carrier.submits.filter((s) => s.to === to);
  const template = (to: string, failover: Record<string, unknown>) => h.send(sender, { to, type: 'template', template: { name: 'hello_world', language: 'en_US' }, failover: { channel: 'sms', ...failover } });
  const failoverOf = async (id: string) => (await h.message(sender, id)).failover as Record<string, unknown> | null;
  const waitForFailover = (id: string, done: (f: Record<string, unknown>) => boolean) => h.waitFor(async () => {
    const f = await failoverOf(id);
    return f && done(f) ? f : undefined;
  });

  beforeAll(async () => {
    // Delivered statuses come after 2.5 s: a 1 s wait runs out first, a 10 s wait does not.
    h = await startDispatchHarness({ simulator: { statusDelaysMs: { sent: 0, delivered: 2500, read: 100_000 } } });
    carrier = await startSmscSimulator({ accounts: [{ systemId: 'acme', password: 'pw' }] });
    const now = Date.now();
    const connector = await h.gateway.store.sms.createConnector({ name: 'Carrier', host: carrier.host, port: carrier.port, systemId: 'acme', password: 'pw', throughputPerSecond: 20, window: 5 }, now);
    await h.gateway.store.sms.createRoute({ prefix: '49', connectorId: connector.id, accountIds: null }, now);
    await h.gateway.sms.pool!.sync();
    await h.gateway.sms.pool!.boundWithin(connector.id, 5000);
    sender = await h.createSender();
    await h.gateway.store.sms.addSenderId(sender.accountId, 'Acme', now);
  });
  afterAll(async () => {
    await h?.close();
    await carrier?.close();
  });

  it('sends the SMS once when WhatsApp fails with 131026, and the record and events show both attempts', async () => {
    const to = '491700000101';
    h.simulator.admin.setContact({ waId: to, hasWhatsApp: false });
    const accepted = await template(to, { text: 'Your code is 1234' });
    expect(accepted.status).toBe(202);
    const id = String(accepted.body.id);
    const failover = await waitForFailover(id, (f) => f.sms_status === 'delivered');
    const whatsapp = await h.message(sender, id);
    expect(whatsapp).toMatchObject({ status: 'failed', channel: 'whatsapp', error: { namespace: 'meta', code: 131026 } });
    expect(failover).toMatchObject({ channel: 'sms', status: 'triggered', after_seconds: null, sms_message_id: expect.stringMatching(/^msg_/), error: null });
    const sms = await h.message(sender, String(failover.sms_message_id));
    expect(sms).toMatchObject({ status: 'delivered', channel: 'sms', to, content: { channel: 'sms', from: 'Acme', text: { body: 'Your code is 1234' }, failover_of: id } });
    expect(submitsTo(to)).toEqual([expect.objectContaining({ from: 'Acme', text: 'Your code is 1234' })]);
    expect(await h.eventsOf(id)).toEqual(expect.arrayContaining(['message.accepted', 'message.failed', 'message.failover']));
    expect(await h.eventsOf(String(failover.sms_message_id))).toEqual(['message.accepted', 'message.sent', 'message.delivered']);

    // Looking again (as after a restart) finds nothing to do: the failover ended in the transaction that queued the SMS.
    await runDueFailovers({ store: h.gateway.store, now: () => Date.now(), maxSegments: 6, pollMs: 1000, onChanged: () => undefined });
    await new Promise((r) => setTimeout(r, 300));
    expect(submitsTo(to)).toHaveLength(1);
    expect((await h.eventsOf(id)).filter((t) => t === 'message.failover')).toHaveLength(1);
  });

  it('falls over when no delivered arrives within after_seconds', async () => {
    const to = '491700000102';
    const accepted = await template(to, { text: 'Still waiting?', after_seconds: 1 });
    const id = String(accepted.body.id);
    const failover = await waitForFailover(id, (f) => f.sms_status === 'delivered');
    expect(failover).toMatchObject({ status: 'triggered', after_seconds: 1 });
    expect(submitsTo(to)).toHaveLength(1);
    const payloads = await readTestDatabase(h.config.dataDir, (db) => db.selectFrom('events').select('payload').where('type', '=', 'message.failover').where('subject_id', '=', id).execute());
    expect(JSON.parse(payloads[0]!.payload)).toMatchObject({ message_id: id, channel: 'sms', status: 'triggered', reason: 'not_delivered_in_time' });
  });

  it('sends no SMS when WhatsApp delivers within after_seconds', async () => {
    const to = '491700000103';
    const accepted = await template(to, { text: 'Not needed', after_seconds: 10 });
    const id = String(accepted.body.id);
    await h.waitForStatus(sender, [id], ['delivered', 'read']);
    await waitForFailover(id, (f) => f.status === 'not_needed');
    await new Promise((r) => setTimeout(r, 300));
    expect(submitsTo(to)).toHaveLength(0);
    expect(await h.eventsOf(id)).not.toContain('message.failover');
  });

  it('sends the SMS at once when a contact check already found the recipient without WhatsApp', async () => {
    const to = '491700000105';
    await h.gateway.store.contactChecks.saveContactChecks(sender.accountId, [{ waId: to, status: 'invalid' }], Date.now());
    const without = await h.send(sender, { to, type: 'template', template: { name: 'hello_world', language: 'en_US' } });
    expect(without.body.code).toBe('recipient_not_on_whatsapp');
    const accepted = await template(to, { text: 'By SMS then' });
    expect(accepted.status).toBe(202);
    const sms = await h.waitFor(async () => {
      const m = await h.message(sender, String(accepted.body.id));
      return m.status === 'delivered' ? m : undefined;
    });
    expect(sms).toMatchObject({ channel: 'sms', content: { channel: 'sms', from: 'Acme', text: { body: 'By SMS then' }, failover_reason: 'gateway/recipient_not_on_whatsapp' } });
    expect(h.upstreamSends(sender).filter((r) => JSON.stringify(r.body ?? '').includes(to))).toHaveLength(0);
    expect(submitsTo(to)).toHaveLength(1);
  });

  it('refuses a failover whose SMS could never go, under failover.*', async () => {
    const refused = await template('441700000104', { text: 'no route' });
    expect([refused.status, refused.body.code, refused.body.field]).toEqual([422, 'could_not_route', 'failover.to']);
    const badSender = await template('491700000104', { text: 'x', from: 'Nope' });
    expect([badSender.body.code, badSender.body.field]).toEqual(['invalid_sender', 'failover.from']);
    expect((await template('491700000104', { text: '' })).body).toMatchObject({ code: 'invalid_request', field: 'failover.text' });
  });
});
