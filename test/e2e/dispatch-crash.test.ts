/**
 * Crash safety: the real gateway process is SIGKILLed while it sends 2,000 messages, restarted on the same data, and
 * every message ends sent or later. Duplicates are counted at the simulator, where each send carries our message id.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { killHard } from '../helpers/serve-process.js';
import { acceptedSends, api, createServedSender, servedRig } from '../helpers/served-gateway.js';

const MESSAGES = 2000;
const MAX_IN_FLIGHT = 256;

describe('crash safety', () => {
  const rig = servedRig('switchboard-crash-');
  afterAll(() => rig.dispose());

  it('loses nothing when the process is killed mid-send, and counts the duplicates', async () => {
    const simulator = await rig.startSimulator({ port: 0, recordLimit: 20_000, statusDelaysMs: { sent: 0, delivered: 5, read: -1 } });
    const serve = () => rig.serve({ SWITCHBOARD_RECOVERY_GRACE_MS: '2000' });
    const first = await serve();
    const key = await createServedSender(simulator, first.url, 400);

    const ids: string[] = [];
    for (let batch = 0; batch < MESSAGES / 500; batch++) {
      const items = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          api(first.url, key, 'POST', '/v1/messages', { to: `4917${String(10_000_000 + batch * 500 + i)}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
        ),
      );
      for (const item of items) {
        expect(item.status).toBe(202);
        ids.push(String(item.body.id));
      }
    }
    // Let the dispatcher get well into the backlog (400 msg/s), then pull the plug.
    const sendsBefore = () => simulator.admin.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).length;
    while (sendsBefore() < 600) await new Promise((r) => setTimeout(r, 20));
    await killHard(first.child);
    const atKill = sendsBefore();

    const second = await serve();
    const deadline = Date.now() + 60_000;
    let pending = ids;
    while (pending.length > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(pending.slice(0, 200).map((id) => api(second.url, key, 'GET', `/v1/messages/${id}`)));
      const done = new Set(statuses.filter((s) => ['sent', 'delivered', 'read'].includes(String(s.body.status))).map((s) => String(s.body.id)));
      pending = pending.filter((id) => !done.has(id));
      if (done.size === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(pending).toEqual([]);

    const perMessage = acceptedSends(simulator);
    const duplicates = [...perMessage.values()].filter((n) => n > 1).length;
    console.log(`crash test: ${atKill} sends before the kill, ${perMessage.size} messages reached the simulator, ${duplicates} sent twice`);
    expect(ids.every((id) => perMessage.has(id))).toBe(true);
    expect(duplicates).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  }, 120_000);
});
