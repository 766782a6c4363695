// The webhooks the simulator sends: signed, in order, batched in Meta's envelope, async failures only as `failed`, retried with backoff.
import { afterEach, describe, expect, it } from 'vitest';
import { requireEntry } from '../../src/catalog/catalog.js';
import { startHarness, type Harness } from '../../src/simulator/testing/harness.js';
import { startWebhookReceiver } from '../../src/simulator/testing/webhook-receiver.js';
import { expectAccepted } from '../../src/simulator/testing/expect-graph.js';

let h: Harness;
afterEach(async () => h?.close());

const CUSTOMER = '15550102000';
const templateTo = (to: string, name = 'hello_world') => ({ to, type: 'template', template: { name, language: { code: 'en_US' } } });

async function setup(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness(options);
  h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'hello_world', body: 'Hello' });
  h.sim.admin.createTemplate({ wabaId: h.wabaId, name: 'promo', body: 'Sale', category: 'MARKETING' });
  return h;
}

function expectFailedWith(wamid: string, code: number): void {
  const statuses = h.hooks.statuses().filter((s) => s.id === wamid);
  const entry = requireEntry('meta', code);
  expect(statuses.map((s) => s.status)).toEqual(['failed']);
  expect(statuses[0]!.errors).toEqual([
    { code, title: entry.title, message: entry.title, error_data: { details: expect.any(String) }, href: expect.stringContaining('error-codes') },
  ]);
}

describe('status webhooks', () => {
  it('arrive signed with the app secret, in order sent → delivered → read, in Meta’s envelope', async () => {
    await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(expectAccepted(await h.send({ ...templateTo(`1555020${1000 + i}`), biz_opaque_callback_data: `ref-${i}` })));
    await h.hooks.waitFor(() => h.hooks.statuses().length === 15);
    expect(h.hooks.received.every((r) => r.signatureValid && r.signature?.startsWith('sha256='))).toBe(true);
    for (const [i, id] of ids.entries()) {
      const mine = h.hooks.statuses().filter((s) => s.id === id);
      expect(mine.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
      expect(mine[0]).toMatchObject({ recipient_id: `1555020${1000 + i}`, timestamp: expect.stringMatching(/^\d+$/), biz_opaque_callback_data: `ref-${i}` });
      expect(mine[0]!.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' });
    }
    const first = h.hooks.received[0]!.body;
    expect(first.object).toBe('whatsapp_business_account');
    expect(first.entry[0]!.id).toBe(h.wabaId);
    expect(first.entry[0]!.changes[0]).toMatchObject({
      field: 'messages',
      value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: h.phoneNumberId } },
    });
  });

  it('batch several statuses into one POST when they are due together', async () => {
    await setup({ statusDelaysMs: { sent: 30, delivered: 30, read: -1 } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.send(templateTo(`1555030${1000 + i}`))));
    await h.hooks.waitFor(() => h.hooks.statuses().length === 40);
    expect(h.hooks.received.length).toBeLessThan(40);
    expect(Math.max(...h.hooks.received.map((r) => r.body.entry[0]!.changes[0]!.value.statuses!.length))).toBeGreaterThan(1);
  });

  it('stop at delivered for users who never read', async () => {
    await setup();
    h.sim.admin.setContact({ waId: CUSTOMER, neverReads: true });
    const id = expectAccepted(await h.send(templateTo(CUSTOMER)));
    await h.sim.admin.flushWebhooks();
    expect(h.hooks.statuses().filter((s) => s.id === id).map((s) => s.status)).toEqual(['sent', 'delivered']);
  });
});

describe('failures that arrive only on the status webhook', () => {
  it('131026: recipient without WhatsApp — the send answers 200, the status says failed', async () => {
    await setup();
    h.sim.admin.setContact({ waId: CUSTOMER, hasWhatsApp: false });
    const id = expectAccepted(await h.send(templateTo(`+${CUSTOMER}`)));
    await h.sim.admin.flushWebhooks();
    expectFailedWith(id, 131026);
  });

  it('131050: a user who stopped marketing messages gets no marketing template, but still gets utility ones', async () => {
    await setup();
    h.sim.admin.setContact({ waId: CUSTOMER, marketingOptOut: true });
    const promo = expectAccepted(await h.send(templateTo(CUSTOMER, 'promo')));
    const utility = expectAccepted(await h.send(templateTo(CUSTOMER)));
    await h.sim.admin.flushWebhooks();
    expectFailedWith(promo, 131050);
    expect(h.hooks.statuses().filter((s) => s.id === utility).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('131049: marketing templates over the per-user limit are not delivered', async () => {
    await setup();
    h.sim.admin.setContact({ waId: CUSTOMER, marketingLimitPer24h: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(expectAccepted(await h.send(templateTo(CUSTOMER, 'promo'))));
    await h.sim.admin.flushWebhooks();
    expect(h.hooks.statuses().filter((s) => s.id === ids[1]).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expectFailedWith(ids[2]!, 131049);
  });

  it('131053: a media link that cannot be fetched fails after acceptance', async () => {
    await setup();
    await h.sim.admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, text: 'hi' });
    h.sim.admin.setMediaLink({ url: 'https://cdn.example.com/wrong.jpg', mimeType: 'application/zip' });
    const gone = expectAccepted(await h.send({ to: CUSTOMER, type: 'image', image: { link: 'https://media.invalid/a.jpg' } }));
    const wrong = expectAccepted(await h.send({ to: CUSTOMER, type: 'image', image: { link: 'https://cdn.example.com/wrong.jpg' } }));
    await h.sim.admin.flushWebhooks();
    expectFailedWith(gone, 131053);
    expectFailedWith(wrong, 131053);
  });
});

describe('inbound and template webhooks', () => {
  it('post customer text, media, button and list replies; undownloadable media carries 131052', async () => {
    await setup();
    const admin = h.sim.admin;
    await admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: `+${CUSTOMER}`, name: 'Ana', text: 'Does it come in blue?' });
    await admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, media: { type: 'image', caption: 'this one' } });
    await admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, button: { text: 'Yes', payload: 'YES' } });
    await admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, interactive: { kind: 'list_reply', id: 'row-1', title: 'Blue' } });
    await admin.sendInbound({ phoneNumberId: h.phoneNumberId, from: CUSTOMER, media: { type: 'video', downloadable: false } });
    await admin.flushWebhooks();
    const messages = h.hooks.messages();
    expect(messages.map((m) => m.type)).toEqual(['text', 'image', 'button', 'interactive', 'unsupported']);
    expect(messages[0]).toMatchObject({ from: CUSTOMER, id: expect.stringMatching(/^wamid\./), text: { body: 'Does it come in blue?' } });
    expect(messages[1]).toMatchObject({ image: { id: expect.any(String), mime_type: 'image/jpeg', sha256: expect.any(String), caption: 'this one' } });
    expect(messages[2]).toMatchObject({ button: { text: 'Yes', payload: 'YES' } });
    expect(messages[3]).toMatchObject({ interactive: { type: 'list_reply', list_reply: { id: 'row-1', title: 'Blue' } } });
    expect(messages[4]).toMatchObject({ errors: [{ code: 131052, title: requireEntry('meta', 131052).title }] });
    const change = h.hooks.changes('messages').find((v) => v.contacts !== undefined)!;
    expect(change.contacts).toEqual([{ profile: { name: 'Ana' }, wa_id: CUSTOMER, user_id: expect.stringMatching(/^US\.[0-9]+$/) }]);
    // The inbound image can be read back through the Graph media endpoint, as Meta's media id can.
    const mediaId = (messages[1]!.image as { id: string }).id;
    expect((await h.graph('GET', `/${mediaId}`)).body).toMatchObject({ id: mediaId, mime_type: 'image/jpeg', url: expect.any(String) });
  });

  it('post message_template_status_update when the admin API changes a template’s review status', async () => {
    await setup();
    for (const status of ['APPROVED', 'PAUSED', 'DISABLED'] as const) h.sim.admin.setTemplateStatus({ wabaId: h.wabaId, name: 'promo', status });
    await h.sim.admin.flushWebhooks();
    const updates = h.hooks.changes('message_template_status_update');
    expect(updates.map((u) => u.event)).toEqual(['APPROVED', 'PAUSED', 'DISABLED']);
    expect(updates[0]).toMatchObject({ message_template_name: 'promo', message_template_language: 'en_US', message_template_id: expect.any(Number) });
  });
});

describe('delivery to a failing receiver', () => {
  it('retries with backoff until the receiver answers 200, keeping the order', async () => {
    await setup({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
    h.hooks.respondWith(500, 503);
    const id = expectAccepted(await h.send(templateTo(CUSTOMER)));
    await h.sim.admin.flushWebhooks();
    expect(h.hooks.received.length).toBeGreaterThanOrEqual(3);
    expect(h.hooks.statuses().filter((s) => s.id === id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const attempts = h.sim.admin.webhookDeliveries();
    expect(attempts.slice(0, 3).map((a) => [a.attempt, a.status])).toEqual([[1, 500], [2, 503], [3, 200]]);
  });

  it('sends a batch it was still retrying to the new URL when the webhook moves (a receiver restarted elsewhere)', async () => {
    await setup({ statusDelaysMs: { sent: 0, delivered: 0, read: -1 }, webhookRetryDelaysMs: [60_000] });
    h.hooks.respondWith(500);
    const id = expectAccepted(await h.send(templateTo(CUSTOMER)));
    await h.hooks.waitFor(() => h.hooks.received.length === 1);
    const moved = await startWebhookReceiver({ appSecret: 'test-app-secret' });
    try {
      h.sim.admin.setWebhook({ url: moved.url, appSecret: 'test-app-secret' });
      await moved.waitFor(() => moved.statuses().length === 2, 2_000);
      expect(moved.statuses().filter((s) => s.id === id).map((s) => s.status)).toEqual(['sent', 'delivered']);
    } finally {
      await moved.close();
    }
  });

  it('gives up after the last retry and moves on', async () => {
    await setup({ statusDelaysMs: { sent: 0, delivered: 0, read: -1 }, webhookRetryDelaysMs: [10] });
    h.hooks.respondWith(500, 500);
    expectAccepted(await h.send(templateTo(CUSTOMER)));
    await h.sim.admin.flushWebhooks();
    expect(h.sim.admin.webhookDeliveries().some((a) => a.gaveUp)).toBe(true);
  });

  it('makes the verification handshake (hub.mode, hub.verify_token, hub.challenge) before the first delivery', async () => {
    await setup();
    h.sim.admin.setWebhook({ url: h.hooks.url, appSecret: 'test-app-secret', verifyToken: 'verify-me' });
    expectAccepted(await h.send(templateTo(CUSTOMER)));
    await h.sim.admin.flushWebhooks();
    expect(h.hooks.handshakes).toEqual([{ mode: 'subscribe', token: 'verify-me', challenge: expect.any(String), accepted: true }]);
    h.sim.admin.setWebhook({ url: h.hooks.url, appSecret: 'test-app-secret', verifyToken: 'wrong' });
    expect(await h.sim.admin.verifyWebhook()).toMatchObject({ ok: false, status: 403 });
  });
});
