import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE } from '../../src/domain/retry-policy.js';
import { signBody } from '../../src/webhooks/inbound/verify.js';
import { APP_SECRET, startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';

let h: DispatchHarness;
let recipient = 0;
const nextRecipient = () => `4916${String(30_000_000 + (recipient += 1))}`;

beforeAll(async () => {
  h = await startDispatchHarness({
    dispatcher: {
      retry: { ...DEFAULT_RETRY_SCHEDULE, baseMs: 100, capMs: 400, maxAttempts: 50, maxAgeMs: 60_000 },
      breaker: { failuresToOpen: 3, probeIntervalMs: 250 },
    },
  });
});
afterAll(() => h.close());

async function postMetaWebhook(payload: unknown, secret = APP_SECRET): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${h.gateway.url}/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, secret) },
    body,
  });
  return res.status;
}

function statusBatch(sender: Sender, statuses: Array<{ wamid: string; status: string; errors?: unknown[] }>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: sender.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: sender.phoneNumberId },
              statuses: statuses.map((s, i) => ({ id: s.wamid, status: s.status, timestamp: String(1_790_000_000 + i), recipient_id: '491600000000', ...(s.errors ? { errors: s.errors } : {}) })),
            },
          },
        ],
      },
    ],
  };
}

describe("Meta's webhooks", () => {
  it('answers the verification handshake with the configured token only', async () => {
    const ok = await fetch(`${h.gateway.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=harness-verify-token&hub.challenge=12345`);
    expect([ok.status, await ok.text()]).toEqual([200, '12345']);
    const bad = await fetch(`${h.gateway.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=12345`);
    expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([403, 'meta_verification_failed']);
  });

  it('refuses a delivery whose signature does not match the app secret', async () => {
    const sender = await h.createSender();
    expect(await postMetaWebhook(statusBatch(sender, []), 'another-secret')).toBe(401);
    expect(await postMetaWebhook(statusBatch(sender, []))).toBe(200);
  });

  it('ends in the right state whatever order statuses arrive in, and never moves backwards', async () => {
    const sender = await h.createSender();
    h.simulator.admin.setContact({ waId: '491600000001', neverReads: true });
    const [a, b] = [await h.sendTemplate(sender, '491600000001'), await h.sendTemplate(sender, '491600000002')];
    await h.waitForStatus(sender, [a, b], ['delivered', 'read']);
    const wamidA = String((await h.message(sender, a)).wamid);
    const undeliverable = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } };
    expect(
      await postMetaWebhook(
        statusBatch(sender, [
          { wamid: wamidA, status: 'read' },
          { wamid: wamidA, status: 'delivered' },
          { wamid: wamidA, status: 'sent' },
          { wamid: wamidA, status: 'read' },
          { wamid: wamidA, status: 'failed', errors: [undeliverable] },
        ]),
      ),
    ).toBe(200);
    await h.gateway.metaWebhooks.idle();
    expect((await h.message(sender, a)).status).toBe('read');
    expect((await h.message(sender, b)).status).toBe('read');
  });

  it('records a failure reported after the message was sent, with its catalog entry', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    h.simulator.admin.setContact({ waId: to, hasWhatsApp: false });
    const id = await h.sendTemplate(sender, to);
    await h.waitForStatus(sender, [id], ['failed']);
    const message = await h.message(sender, id);
    expect(message.wamid).toMatch(/^wamid\./);
    expect(message.error).toMatchObject({ namespace: 'meta', code: 131026 });
    // Meta's failed status may overtake our own record of its 200, so `sent` is not always among the timestamps.
    expect(Object.keys(message.timestamps as object)).toContain('failed');
  });

  it('opens the window on a customer message, so free-form text is admitted, and STOP opts the customer out', async () => {
    const sender = await h.createSender();
    const to = nextRecipient();
    const text = { to, type: 'text', text: { body: 'Your order shipped' } };
    expect((await h.send(sender, text)).body.code).toBe('outside_service_window');
    await h.simulator.admin.sendInbound({ phoneNumberId: sender.phoneNumberId, from: to, text: 'Where is my order?' });
    const admitted = await h.waitFor(async () => {
      const res = await h.send(sender, text);
      return res.status === 202 ? res : undefined;
    });
    await h.waitForStatus(sender, [String(admitted.body.id)], ['sent', 'delivered', 'read']);
    await h.simulator.admin.sendInbound({ phoneNumberId: sender.phoneNumberId, from: to, text: 'STOP' });
    const refused = await h.waitFor(async () => {
      const res = await h.send(sender, text);
      return res.status === 422 ? res : undefined;
    });
    expect(refused.body.code).toBe('recipient_opted_out');
  });
});

describe('reauth and outages', () => {
  it('pauses only the number whose token Meta refused, refuses its new sends, and resumes it when the token is replaced', async () => {
    const broken = await h.createSender();
    const healthy = await h.createSender();
    const fault = h.simulator.admin.addFault({ error: 190, count: 1000, match: { phoneNumberId: broken.phoneNumberId } });
    const held = [await h.sendTemplate(broken, nextRecipient()), await h.sendTemplate(broken, nextRecipient())];
    await h.waitFor(() => h.upstreamSends(broken).length >= 1 || undefined);
    const other = await h.sendTemplate(healthy, nextRecipient());
    await h.waitForStatus(healthy, [other], ['sent', 'delivered', 'read']);
    await new Promise((r) => setTimeout(r, 500));
    // Both were accepted before the pause; at most the calls already under way reached Meta, and nothing since.
    expect(h.upstreamSends(broken).length).toBeLessThanOrEqual(2);
    for (const id of held) expect((await h.message(broken, id)).status).toBe('accepted');
    const refused = await h.waitFor(async () => {
      const res = await h.send(broken, { to: nextRecipient(), type: 'template', template: { name: 'hello_world', language: 'en_US' } });
      return res.status === 403 ? res : undefined;
    }, 3000);
    expect(refused.body.code).toBe('account_disconnected');
    h.simulator.admin.removeFault(fault.id);
    const admin = { 'x-api-key': h.config.adminKey!, 'content-type': 'application/json' };
    const patch = await fetch(`${h.gateway.url}/v1/admin/numbers/${broken.numberId}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ access_token: broken.accessToken }) });
    expect([patch.status, ((await patch.json()) as { connection: string }).connection]).toEqual([200, 'connected']);
    await h.waitForStatus(broken, held, ['sent', 'delivered', 'read']);
  });

  it('rides out an outage with a bounded trickle of calls and delivers everything afterwards', async () => {
    const sender = await h.createSender({ mps: 200 });
    h.simulator.admin.startOutage({ status: 503, body: 'json' });
    const before = h.upstreamSends().length;
    const ids = [];
    for (let i = 0; i < 40; i++) ids.push(await h.sendTemplate(sender, nextRecipient()));
    const outageMs = 3000;
    await new Promise((r) => setTimeout(r, outageMs));
    const during = h.upstreamSends().length - before;
    h.simulator.admin.endOutage();
    await h.waitForStatus(sender, ids, ['sent', 'delivered', 'read'], 20_000);
    // The circuit opens after 3 failures; then one probe per 250 ms. Calls already in flight when it opened count too.
    expect(during).toBeLessThanOrEqual(40 + outageMs / 250 + 2);
    // Without the breaker, 40 messages retrying every ≤ 400 ms for 3 s would make several hundred calls.
    expect(h.gateway.dispatcher?.counters.failed ?? 0).toBe(0);
  });
});
