/**
 * Back-pressure with dispatch running, the bound set through the configuration as an operator sets it: a burst far
 * above what a slowly paced number sends is partly refused with 503 gateway_overloaded, every message accepted before
 * and around the refusals reaches the upstream exactly once, and once they have left, sends are accepted again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';

const BOUND = 8;
const BURST = 30;

let h: DispatchHarness;
let sender: Sender;

beforeAll(async () => {
  h = await startDispatchHarness({ gateway: { maxDueMessages: BOUND } });
  sender = await h.createSender({ mps: 4 });
}, 30_000);
afterAll(() => h?.close());

const template = (to: string) => ({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' } });

describe('back-pressure while dispatching', () => {
  it('refuses part of an overload, loses none of what it accepted, and accepts again after the drain', async () => {
    // Distinct recipients, so only the number's pace (not the per-recipient one) holds the messages back.
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => h.send(sender, template(`49151100${String(i).padStart(4, '0')}`))));
    const accepted = answers.filter((a) => a.status === 202).map((a) => String(a.body.id));
    const refused = answers.filter((a) => a.status !== 202);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'gateway_overloaded', retryable: true, retry_after: expect.any(Number) });
    }

    await h.waitForStatus(sender, accepted, ['sent', 'delivered', 'read'], 30_000);
    const reached = h.upstreamSends(sender).filter((r) => r.status === 200)
      .map((r) => (r.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data);
    expect([...reached].sort()).toEqual([...accepted].sort());

    const again = await h.waitFor(async () => {
      const res = await h.send(sender, template('4915119999999'));
      return res.status === 202 ? res : undefined;
    });
    expect(again.body.status).toBe('accepted');
  }, 60_000);
});
