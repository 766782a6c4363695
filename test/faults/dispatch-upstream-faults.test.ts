/**
 * Fault suite, upstream faults through the simulator: answers that come past the client's timeout, resets after and
 * before Meta accepted the message, an upstream that hangs, and an HTML 503 outage. Calls and duplicates are counted
 * per message at the simulator (each send carries our message id); every message must be sent exactly once and end
 * `read`, the last status the simulator reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE } from '../../src/domain/retry-policy.js';
import type { FaultInput } from '../../src/simulator/types.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';
import { faultScale, reportFigures } from './fault-scale.js';

const MESSAGES = faultScale(20, 200);
const CLIENT_TIMEOUT_MS = 300;
const GRACE_MS = 1_000;
const OUTAGE_MS = faultScale(1_000, 5_000);

let h: DispatchHarness;
let recipient = 0;

beforeAll(async () => {
  h = await startDispatchHarness({
    gateway: { upstreamTimeoutMs: CLIENT_TIMEOUT_MS },
    // Meta's first status comes after the client gave up on the answer, as it often does: only waiting for it (the
    // grace) keeps a retry from sending the message again.
    simulator: { recordLimit: 50_000, statusDelaysMs: { sent: 500, delivered: 550, read: 600 }, webhookRetryDelaysMs: [100, 200, 400, 800, 1_000, 1_000] },
    dispatcher: {
      recoveryGraceMs: GRACE_MS,
      retry: { ...DEFAULT_RETRY_SCHEDULE, baseMs: 100, capMs: 1_000, maxAttempts: 100, maxAgeMs: 120_000 },
      breaker: { failuresToOpen: 5, probeIntervalMs: 200 },
    },
  });
});
afterAll(() => h.close());

/** A fault for a number's sends (a share of them), or an outage of its messages path for a while. */
type Scenario = { fault: Omit<FaultInput, 'match'> } | { outage: 'timeout' | 'html' };

const SCENARIOS: readonly [string, Scenario][] = [
  ['late answer past the client timeout', { fault: { answer: 'late', delayMs: CLIENT_TIMEOUT_MS * 3, probability: 0.3 } }],
  ['reset after accepting', { fault: { answer: 'reset', probability: 0.3 } }],
  ['reset before accepting', { fault: { answer: 'reset', accepted: false, probability: 0.3 } }],
  ['hang', { outage: 'timeout' }],
  ['HTML 503 outage', { outage: 'html' }],
];

async function sendAll(sender: Sender): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < MESSAGES; i++) ids.push(await h.sendTemplate(sender, `4918${String(50_000_000 + (recipient += 1))}`));
  return ids;
}

async function unlessRead(sender: Sender, ids: readonly string[]): Promise<string[]> {
  const statuses = await Promise.all(ids.map(async (id) => [id, String((await h.message(sender, id)).status)] as const));
  return statuses.filter(([, status]) => status !== 'read').map(([id]) => id);
}

describe('upstream faults through the simulator', () => {
  it.each(SCENARIOS)('%s: every message sent once and read', async (name, scenario) => {
    const sender = await h.createSender({ mps: 200 });
    const retriedBefore = h.gateway.dispatcher!.counters.retried;
    const messagesPath = `/${sender.phoneNumberId}/messages`;
    if ('fault' in scenario) h.simulator.admin.addFault({ ...scenario.fault, match: { phoneNumberId: sender.phoneNumberId } });
    else h.simulator.admin.startOutage({ body: scenario.outage, status: 503, pathPrefix: messagesPath });
    const ids = await sendAll(sender);
    if ('outage' in scenario) {
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      h.simulator.admin.endOutage();
    }
    let unread = [...ids];
    const deadline = Date.now() + 40_000;
    while (unread.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      unread = await unlessRead(sender, unread);
    }
    h.simulator.admin.clearFaults();
    // Statuses can make a message `read` while its call still waits for the answer: let the last answers be lost and
    // their grace run out, so that a second send, if one were made, is counted.
    await new Promise((r) => setTimeout(r, CLIENT_TIMEOUT_MS * 3 + GRACE_MS + 500));

    const sends = h.upstreamSends(sender);
    const accepted = new Map<string, number>();
    for (const send of sends.filter((s) => s.status === 200)) {
      const id = (send.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data ?? '';
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
    }
    const figures = {
      messages: ids.length,
      calls: sends.length,
      // Calls whose answer was lost or failed, each put back for a retry (or for its status webhook's grace).
      answersLost: h.gateway.dispatcher!.counters.retried - retriedBefore,
      duplicates: [...accepted.values()].filter((n) => n > 1).length,
      lost: ids.filter((id) => !accepted.has(id)).length,
      statusesDropped: unread.length,
    };
    reportFigures(`upstream ${name}`, figures);
    expect(figures).toMatchObject({ duplicates: 0, lost: 0, statusesDropped: 0 });
    expect(figures.answersLost).toBeGreaterThan(0);
  }, 60_000);
});
