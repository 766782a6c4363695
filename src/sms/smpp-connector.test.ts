/** The connector against the real SMSC simulator over a real socket. */
import { afterEach, describe, expect, it } from 'vitest';
import { segmentText } from '../domain/sms/segments.js';
import { startSmscSimulator, type SmscSimulator, type SmscSimulatorOptions } from '../simulator/smsc/smsc-simulator.js';
import { busiestSecond, REASON } from '../simulator/smsc/smsc-rules.js';
import { SmppConnector, type BindState, type ReceiptEvent, type SmppConnectorConfig, type SmppConnectorTiming, type SubmitOutcome } from './smpp-connector.js';
import { SMPP_STATUS } from './smpp-wire.js';

const ACCOUNT = { systemId: 'switchboard', password: 'secret1' };
const FAST = { reconnect: { baseMs: 100, maxMs: 400 }, throttleBackoffMs: 20, bindWaitMs: 3000, responseTimeoutMs: 3000 };

let running: { sim?: SmscSimulator; connectors: SmppConnector[] } = { connectors: [] };

afterEach(async () => {
  for (const c of running.connectors) await c.stop();
  await running.sim?.close();
  running = { connectors: [] };
});

interface Harness {
  readonly sim: SmscSimulator;
  readonly connector: SmppConnector;
  readonly receipts: ReceiptEvent[];
  readonly states: BindState[];
  readonly submits: SubmitOutcome[];
  nextReceipt(): Promise<ReceiptEvent>;
}

async function harness(
  simOptions: Partial<SmscSimulatorOptions> = {}, config: Partial<SmppConnectorConfig> = {}, timing: Partial<SmppConnectorTiming> = {},
): Promise<Harness> {
  const sim = await startSmscSimulator({ accounts: [ACCOUNT], ...simOptions });
  running.sim = sim;
  const receipts: ReceiptEvent[] = [];
  const states: BindState[] = [];
  const submits: SubmitOutcome[] = [];
  const waiters: ((e: ReceiptEvent) => void)[] = [];
  let taken = 0;
  const connector = new SmppConnector(
    { id: 'smsc_test', host: sim.host, port: sim.port, ...ACCOUNT, systemType: '', throughputPerSecond: 100, window: 10, ...config },
    {
      observer: {
        onReceipt: (e) => {
          receipts.push(e);
          const waiter = waiters.shift();
          if (waiter) {
            taken += 1;
            waiter(e);
          }
        },
        onBindState: (_, s) => states.push(s),
        onSubmit: (_, o) => submits.push(o),
      },
      timing: { ...FAST, ...timing },
    },
  );
  running.connectors.push(connector);
  connector.start();
  return {
    sim, connector, receipts, states, submits,
    nextReceipt: () => new Promise((resolve) => {
      const ready = receipts[taken];
      if (ready === undefined) waiters.push(resolve);
      else {
        taken += 1;
        resolve(ready);
      }
    }),
  };
}

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sms = (to: string, text = 'Hello from Switchboard') => ({ from: { kind: 'alphanumeric', value: 'Acme' } as const, to, segmentation: segmentText(text) });

describe('binding', () => {
  it('binds as transceiver with good credentials', async () => {
    const h = await harness();
    await until(() => h.connector.state === 'bound', 'bind');
    expect(h.states).toEqual(['connecting', 'bound']);
    expect(h.sim.binds).toEqual([expect.objectContaining({ systemId: 'switchboard', accepted: true })]);
  });

  it('reports a refused bind with the catalog entry of the status, and keeps retrying with backoff', async () => {
    const h = await harness({}, { password: 'wrong' });
    await until(() => h.sim.binds.length >= 2, 'a second bind attempt');
    expect(h.connector.state === 'refused' || h.connector.state === 'connecting').toBe(true);
    expect(h.states).toContain('refused');
    expect(h.sim.binds.every((b) => !b.accepted)).toBe(true);
    await until(() => h.connector.state === 'refused', 'refused state');
    expect(h.connector.refusal?.entry.code).toBe('smsc_bind_refused');
    expect(h.connector.refusal?.upstream?.code).toBe(SMPP_STATUS.invalidPassword);
    expect(h.sim.binds[1]!.at - h.sim.binds[0]!.at).toBeGreaterThanOrEqual(80);
  });

  it('fails a submit with smsc_unavailable when no bind comes', async () => {
    const h = await harness({}, { password: 'wrong' }, { bindWaitMs: 300 });
    await expect(h.connector.submit(sms('4915112345678'))).rejects.toMatchObject({ entry: { code: 'smsc_unavailable' } });
    expect(h.sim.submits).toEqual([]);
  });
});

describe('submitting and receipts', () => {
  it('submits with registered delivery and surfaces the DELIVRD receipt as delivered', async () => {
    const h = await harness();
    const submitted = await h.connector.submit(sms('+4915112345678'));
    const receipt = await h.nextReceipt();
    expect(receipt.outcome).toEqual({ kind: 'delivered' });
    expect(receipt.receipt.messageId).toBe(submitted.smscMessageIds[0]);
    expect(h.sim.submits).toEqual([expect.objectContaining({
      from: 'Acme', to: '4915112345678', dataCoding: 0, registeredDelivery: 1, text: 'Hello from Switchboard', concatenation: undefined, status: 0,
    })]);
    expect(h.submits).toEqual(['accepted']);
  });

  it('sends a long UCS-2 text as concatenated segments with one reference', async () => {
    const h = await harness();
    const text = 'Привет, это длинное сообщение. '.repeat(6);
    const submitted = await h.connector.submit(sms('4915112345678', text));
    expect(submitted.smscMessageIds).toHaveLength(3);
    const parts = h.sim.submits;
    expect(parts.map((p) => [p.dataCoding, p.concatenation?.total, p.concatenation?.seq])).toEqual([[8, 3, 1], [8, 3, 2], [8, 3, 3]]);
    expect(new Set(parts.map((p) => p.concatenation?.reference)).size).toBe(1);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('keeps the GSM extension table intact on the wire', async () => {
    const h = await harness();
    await h.connector.submit(sms('4915112345678', 'Total: 5€ [paid] {ok} ~ | ^ \\'));
    expect(h.sim.submits[0]?.text).toBe('Total: 5€ [paid] {ok} ~ | ^ \\');
  });

  it.each([
    ['absent subscriber', REASON.absentSubscriber, 'transient'],
    ['handset memory exceeded', REASON.memoryExceeded, 'transient'],
    ['subscriber unknown', 5, 'permanent'],
  ] as const)('a %s receipt fails with its sms entry (%s)', async (_, err, retry) => {
    const h = await harness({ faults: [{ to: '49151.*', kind: 'receipt', stat: 'UNDELIV', err }] });
    await h.connector.submit(sms('4915112345678'));
    const { outcome } = await h.nextReceipt();
    expect(outcome.kind === 'failed' && [outcome.entry.namespace, outcome.entry.code, outcome.entry.retry.class]).toEqual(['sms', err, retry]);
  });

  it('congestion fails with reason 10 until it clears after the configured tries', async () => {
    const h = await harness({ faults: [{ to: '4930.*', kind: 'congestion', failures: 2 }] });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await h.connector.submit(sms('493012345678'));
      const { outcome } = await h.nextReceipt();
      outcomes.push(outcome.kind === 'failed' ? `${outcome.entry.namespace}:${outcome.entry.code}:${outcome.entry.retry.class}` : outcome.kind);
    }
    expect(outcomes).toEqual(['sms:10:transient', 'sms:10:transient', 'delivered']);
  });

  it('refuses with the catalog entry of a submit_sm status', async () => {
    const h = await harness({ faults: [{ to: '1555.*', kind: 'status', status: SMPP_STATUS.invalidDestinationAddress }] });
    await expect(h.connector.submit(sms('15551234567'))).rejects.toMatchObject({ entry: { code: 'invalid_phone_number' } });
    expect(h.submits).toEqual(['refused']);
  });
});

describe('throttling, window and throughput', () => {
  it('backs off after ESME_RTHROTTLED and succeeds', async () => {
    const h = await harness();
    await until(() => h.connector.state === 'bound', 'bind');
    h.sim.throttleNext(3);
    const submitted = await h.connector.submit(sms('4915112345678'));
    expect(submitted.smscMessageIds).toHaveLength(1);
    expect(h.sim.submits.map((s) => s.status)).toEqual([SMPP_STATUS.throttled, SMPP_STATUS.throttled, SMPP_STATUS.throttled, 0]);
    expect(h.submits).toEqual(['throttled', 'throttled', 'throttled', 'accepted']);
    // The pauses grow: 20, 40, 80 ms at least (5 ms allowed for arrivals bunched on the way).
    const gaps = h.sim.submits.slice(1).map((s, i) => s.at - h.sim.submits[i]!.at);
    expect(gaps.map((gap, i) => gap >= 20 * 2 ** i - 5)).toEqual([true, true, true]);
  });

  it('gives up with smsc_throttled when the centre keeps throttling', async () => {
    const h = await harness({}, {}, { maxThrottleRetries: 3 });
    await until(() => h.connector.state === 'bound', 'bind');
    h.sim.throttleNext(100);
    await expect(h.connector.submit(sms('4915112345678'))).rejects.toMatchObject({ entry: { code: 'smsc_throttled' } });
    expect(h.sim.submits).toHaveLength(4); // the first try and maxThrottleRetries (3) more
  });

  it('never has more submits unanswered than its window', async () => {
    const h = await harness({ submitAnswerDelayMs: 60 }, { window: 3, throughputPerSecond: 1000 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => h.connector.submit(sms(`49151000000${String(i).padStart(2, '0')}`))));
    expect(results).toHaveLength(12);
    expect(h.sim.peakUnanswered()).toBe(3);
  });

  it('never exceeds its throughput in any second, counted at the SMS centre', async () => {
    const h = await harness({}, { throughputPerSecond: 20, window: 50 });
    const results = await Promise.all(Array.from({ length: 45 }, (_, i) => h.connector.submit(sms(`49151000000${String(i).padStart(2, '0')}`))));
    expect(results).toHaveLength(45);
    const arrivals = h.sim.submits.map((s) => s.at);
    expect(busiestSecond(arrivals)).toBeLessThanOrEqual(20);
  }, 10_000);
});

describe('keep-alive', () => {
  it('sends enquire_link while bound', async () => {
    const h = await harness({}, {}, { enquireLinkMs: 40 });
    await until(() => h.sim.enquireLinks() >= 3, 'three enquire_links');
    expect(h.connector.state).toBe('bound');
  });

  it('presumes a bind dead when enquire_link goes unanswered, and binds again', async () => {
    const h = await harness({}, {}, { enquireLinkMs: 40, responseTimeoutMs: 100 });
    await until(() => h.connector.state === 'bound', 'bind');
    h.sim.hangBinds();
    await until(() => h.states.includes('down'), 'the hung bind to be dropped');
    await until(() => h.connector.state === 'bound', 'rebind');
    expect(h.sim.binds.filter((b) => b.accepted)).toHaveLength(2);
  });
});

describe('multi-segment failures', () => {
  it('names the segments already accepted when a later one fails', async () => {
    const h = await harness({ maxSubmitsPerSecond: 1 }, {}, { maxThrottleRetries: 0 });
    const failure = await h.connector.submit(sms('4915112345678', 'x'.repeat(200))).catch((e: unknown) => e);
    expect(failure).toMatchObject({ entry: { code: 'smsc_throttled' }, extensions: { sent_segments: 1, smsc_message_ids: [h.sim.submits[0]!.messageId] } });
  });
});

describe('stopping', () => {
  it('fails the submits still waiting or unanswered with smsc_unavailable', async () => {
    const h = await harness({ submitAnswerDelayMs: 300 }, { window: 1 });
    await until(() => h.connector.state === 'bound', 'bind');
    const pending = Array.from({ length: 3 }, (_, i) => h.connector.submit(sms(`4915100000${i}`)).catch((e: unknown) => e));
    await until(() => h.sim.submits.length === 1, 'the first submit to arrive');
    await h.connector.stop();
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((o) => (o as { entry?: { code: string } }).entry?.code)).toEqual(['smsc_unavailable', 'smsc_unavailable', 'smsc_unavailable']);
    expect(h.connector.state).toBe('stopped');
  });
});

describe('dropped binds', () => {
  it('reconnects with backoff after the centre drops the bind, and submits again', async () => {
    const h = await harness();
    await until(() => h.connector.state === 'bound', 'bind');
    const droppedAt = Date.now();
    h.sim.dropBinds();
    await until(() => h.connector.state === 'down', 'down');
    await until(() => h.connector.state === 'bound', 'rebind');
    expect(h.sim.binds[1]!.at - droppedAt).toBeGreaterThanOrEqual(80); // base 100 ms with at most -20% jitter
    expect(h.states).toEqual(['connecting', 'bound', 'down', 'connecting', 'bound']);
    expect(h.sim.binds.filter((b) => b.accepted)).toHaveLength(2);
    await h.connector.submit(sms('4915112345678'));
    expect((await h.nextReceipt()).outcome).toEqual({ kind: 'delivered' });
  });

  it('a submit made while the bind is down waits for the reconnect', async () => {
    const h = await harness();
    await until(() => h.connector.state === 'bound', 'bind');
    h.sim.dropBinds();
    await until(() => h.connector.state === 'down', 'down');
    const submitted = await h.connector.submit(sms('4915112345678'));
    expect(submitted.smscMessageIds).toHaveLength(1);
  });
});
