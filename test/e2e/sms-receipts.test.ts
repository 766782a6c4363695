/**
 * Every reason code of a failed SMS receipt, over real sockets (gateway ↔ SMSC simulator): the message carries the
 * code's catalog entry, and the dispatcher treats it by that entry's retry class. A permanent (or fix-request) reason
 * fails the message after its one submit; a transient one submits again (at once where the entry names no wait, after
 * the entry's wait otherwise), and keeps the reason on the message meanwhile. An SMS centre that cuts every bind in the
 * middle of a run loses none of the messages accepted around it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEntry } from '../../src/catalog/catalog.js';
import { isRetryable } from '../../src/catalog/entry.js';
import type { RunningGateway } from '../../src/main.js';
import type { SmscSimulator } from '../../src/simulator/smsc/smsc-simulator.js';
import { callerOf, type TestGateway } from '../helpers/gateway.js';
import { startCarrierGateway, type CarrierGateway } from '../helpers/sms-carrier.js';
import { until } from '../helpers/until.js';

const REASONS = Array.from({ length: 13 }, (_, i) => i + 1);
const recipientFor = (reason: number) => `49151123500${String(reason).padStart(2, '0')}`;

describe('each SMS receipt reason on the message, treated by its retry class', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sms-receipts-'));
  let carrier: SmscSimulator;
  let gateway: RunningGateway;
  let call: TestGateway['call'];
  let wired: CarrierGateway;
  beforeAll(async () => {
    const faults = REASONS.map((reason) => ({ to: recipientFor(reason), kind: 'receipt' as const, stat: 'UNDELIV' as const, err: reason }));
    wired = await startCarrierGateway(dataDir, { faults }, { throughputPerSecond: 50, window: 10 });
    ({ carrier, gateway } = wired);
    call = callerOf(gateway.url);
  });
  afterAll(async () => {
    await wired?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails a message for good on a permanent reason and submits again on a transient one, showing the reason either way', async () => {
    const key = gateway.firstStart.demo!.key;
    const read = async (id: string) => (await call('GET', `/v1/messages/${id}`, { key })).body;
    const sent = await Promise.all(REASONS.map(async (reason) => {
      const answer = await call('POST', '/v1/messages', { key, body: { channel: 'sms', to: recipientFor(reason), text: { body: `reason ${reason}` } } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return { reason, id: String(answer.body.id) };
    }));
    for (const { reason, id } of sent) {
      const entry = requireEntry('sms', reason);
      const submits = () => carrier.submits.filter((s) => s.to === recipientFor(reason)).length;
      const shown = await until(() => read(id), (m) => m.error?.code === reason, `sms/${reason} on the message`);
      expect(shown.error).toMatchObject({ namespace: 'sms', code: reason });
      if (!isRetryable(entry.retry)) {
        expect(shown.status, `sms/${reason}`).toBe('failed');
        expect(submits(), `sms/${reason}`).toBe(1);
      } else if (entry.retry.delaySeconds === undefined) {
        await until(async () => submits(), (n) => n >= 2, `sms/${reason} submitted again`);
      } else {
        // Its entry asks for a wait of minutes: the message waits for its next attempt, not failed and not resent yet.
        expect(shown.status, `sms/${reason}`).not.toBe('failed');
        expect(submits(), `sms/${reason}`).toBe(1);
      }
    }
  }, 60_000);

  it('delivers every message accepted around an SMS centre that cuts its binds mid-run', async () => {
    const key = gateway.firstStart.demo!.key;
    const sendBatch = (from: number) => Promise.all(Array.from({ length: 30 }, async (_, i) => {
      const answer = await call('POST', '/v1/messages', { key, body: { channel: 'sms', to: `4915112360${String(from + i).padStart(3, '0')}`, text: { body: 'still here' } } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return String(answer.body.id);
    }));
    const before = await sendBatch(0);
    carrier.dropBinds();
    const after = await sendBatch(100);
    for (const id of [...before, ...after]) {
      const done = await until(async () => (await call('GET', `/v1/messages/${id}`, { key })).body, (m) => m.status === 'delivered' || m.status === 'failed', `${id} to settle`, 20_000);
      expect(done.status, JSON.stringify(done)).toBe('delivered');
    }
  }, 60_000);
});
