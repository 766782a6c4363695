/**
 * Fault suite, SIGKILL during sends: the real `serve` process is killed at random moments while it sends, several
 * times in a row on the same data directory, and restarted each time. Counted at the simulator (each send carries
 * our message id): nothing lost, nothing sent twice, and every status the simulator reported applied (each message
 * ends `read`). After each restart the backlog must move again at once, not after the lapsed leases' 30 s.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { killHard } from '../helpers/serve-process.js';
import { acceptedSends, api, createServedSender, servedRig } from '../helpers/served-gateway.js';
import { faultScale, reportFigures } from './fault-scale.js';

const MESSAGES = faultScale(600, 3_000);
const KILLS = faultScale(3, 6);
const MPS = 200;

describe('SIGKILL during sends', () => {
  const rig = servedRig('switchboard-sigkill-');
  afterAll(() => rig.dispose());

  it('loses nothing, sends nothing twice and applies every status over repeated kills', async () => {
    const sim = await rig.startSimulator({ port: 0, recordLimit: 50_000, statusDelaysMs: { sent: 0, delivered: 20, read: 40 }, webhookRetryDelaysMs: [100, 200, 400, 800, 1_000, 1_000, 2_000, 2_000] });
    // A grace long enough for the simulator's webhook retries to reach the restarted process.
    const start = () => rig.serve({ SWITCHBOARD_BATCH_MAX: '1000', SWITCHBOARD_RECOVERY_GRACE_MS: '3000' });

    let gateway = await start();
    const key = await createServedSender(sim, gateway.url, MPS);
    const ids: string[] = [];
    for (let batch = 0; batch < MESSAGES / 500; batch++) {
      const messages = Array.from({ length: Math.min(500, MESSAGES - batch * 500) }, (_, i) => ({ to: `4917${String(20_000_000 + batch * 500 + i)}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } }));
      const res = await api(gateway.url, key, 'POST', '/v1/messages/batch', { messages });
      for (const result of res.body.results as { id?: string }[]) if (result.id) ids.push(result.id);
    }
    expect(ids).toHaveLength(MESSAGES);

    const sends = () => sim.admin.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).length;
    const firstSendAfterRestart: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // A random moment in this run's share of the backlog: somewhere in the next 1 to 1 + share/MPS seconds of sends.
      const target = sends() + 1 + Math.floor(Math.random() * (MESSAGES / (KILLS + 1)));
      while (sends() < target) await new Promise((r) => setTimeout(r, 5));
      await killHard(gateway.child);
      const before = sends();
      gateway = await start();
      const restartedAt = Date.now();
      while (sends() === before && Date.now() - restartedAt < 40_000) await new Promise((r) => setTimeout(r, 10));
      firstSendAfterRestart.push(Date.now() - restartedAt);
    }

    let unread = ids;
    const deadline = Date.now() + faultScale(40_000, 90_000);
    while (unread.length > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(unread.slice(0, 300).map((id) => api(gateway.url, key, 'GET', `/v1/messages/${id}`)));
      const read = new Set(statuses.filter((s) => s.body.status === 'read').map((s) => String(s.body.id)));
      unread = unread.filter((id) => !read.has(id));
      if (read.size === 0) await new Promise((r) => setTimeout(r, 200));
    }

    const accepted = acceptedSends(sim);
    const figures = {
      messages: ids.length,
      kills: KILLS,
      calls: sends(),
      duplicates: [...accepted.values()].filter((n) => n > 1).length,
      lost: ids.filter((id) => !accepted.has(id)).length,
      statusesDropped: unread.length,
      slowestRestartToFirstSendMs: Math.max(...firstSendAfterRestart),
    };
    reportFigures('SIGKILL during sends', figures);
    expect(figures).toMatchObject({ duplicates: 0, lost: 0, statusesDropped: 0 });
    // Jobs merely claimed by the killed process go at once; only its interrupted calls wait for their grace.
    expect(figures.slowestRestartToFirstSendMs).toBeLessThan(5_000);
  }, faultScale(58_000, 240_000));
});
