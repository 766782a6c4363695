/**
 * Lanes against the simulator: a high-priority message sent behind 10,000 queued bulk messages on the same number
 * goes ahead of them (the dispatcher's buffer is full of bulk jobs by then). The latency from its accept to the
 * simulator is printed, not asserted; the order is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatchHarness, type DispatchHarness } from '../helpers/dispatch-harness.js';

const BULK = 10_000;

describe('priority lanes against the simulator', () => {
  let h: DispatchHarness;
  beforeAll(async () => {
    h = await startDispatchHarness({ simulator: { recordLimit: 50_000, statusDelaysMs: { sent: 0, delivered: -1, read: -1 } } });
  });
  afterAll(() => h.close());

  it('sends a high-priority message ahead of 10,000 bulk ones queued on its number', async () => {
    const sender = await h.createSender({ mps: 80 });
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${h.gateway.url}${path}`, { method: 'POST', headers: { 'x-api-key': sender.key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    for (let part = 0; part < BULK / 1_000; part++) {
      const messages = Array.from({ length: 1_000 }, (_, i) => ({
        to: `4917${String(10_000_000 + part * 1_000 + i)}`, type: 'template', template: { name: 'hello_world', language: 'en_US' }, priority: 'bulk',
      }));
      expect((await post('/v1/messages/batch', { messages })).status).toBe(202);
    }
    // The dispatcher is under way: its buffer holds as many bulk jobs as it takes.
    await h.waitFor(() => (h.upstreamSends(sender).length >= 100 ? true : undefined));
    const bulkAtAccept = h.upstreamSends(sender).length;
    const acceptedAt = Date.now();
    const high = await post('/v1/messages', { to: '4915199999999', type: 'template', template: { name: 'hello_world', language: 'en_US' }, priority: 'high' });
    expect(high.status).toBe(202);
    const id = String(high.body['id']);
    const isHigh = (r: { body?: unknown }) => (r.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data === id;
    const arrived = await h.waitFor(() => h.upstreamSends(sender).find(isHigh), 30_000);
    const bulkBefore = h.upstreamSends(sender).filter((r) => r.at <= arrived.at && !isHigh(r)).length;
    console.log(`high priority behind ${BULK} bulk: reached the simulator ${arrived.at - acceptedAt} ms after its accept, after ${bulkBefore - bulkAtAccept} more bulk sends (${bulkBefore} in all)`);
    // Ahead of the bulk jobs already claimed into the dispatcher's buffer (thousands): fewer went between its accept
    // and its send than the number sends in a second.
    expect(bulkBefore - bulkAtAccept).toBeLessThan(80);
  }, 120_000);
});
