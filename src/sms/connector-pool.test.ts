/** The pool against the real SMSC simulator, reading connectors from a store held in memory. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSmscSimulator, type SmscSimulator } from '../simulator/smsc/smsc-simulator.js';
import type { SmsConnectorRecord, SmsStore } from '../store/sms-store.js';
import { ConnectorPool, smsReadiness } from './connector-pool.js';

const T = Date.parse('2026-12-05T12:00:00Z');
let sim: SmscSimulator | undefined;
let pool: ConnectorPool | undefined;

afterEach(async () => {
  await pool?.stop();
  await sim?.close();
  pool = undefined;
  sim = undefined;
});

function memoryStore(records: SmsConnectorRecord[], passwords: Record<string, string>): Pick<SmsStore, 'listConnectors' | 'connectorPassword'> {
  return { listConnectors: async () => records.map((r) => ({ ...r })), connectorPassword: async (id) => passwords[id] };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ConnectorPool', () => {
  it('runs the enabled connectors, restarts a changed one, stops a disabled one; readiness follows', async () => {
    sim = await startSmscSimulator({ accounts: [{ systemId: 'a', password: 'pa' }, { systemId: 'b', password: 'pb' }] });
    const record = (id: string, systemId: string, enabled: boolean): SmsConnectorRecord => ({
      id, name: id, host: sim!.host, port: sim!.port, systemId, systemType: '', throughputPerSecond: 10, window: 1, enabled, createdAt: T, updatedAt: T,
    });
    const records = [record('smsc_a', 'a', true), record('smsc_b', 'b', false)];
    pool = new ConnectorPool({ store: memoryStore(records, { smsc_a: 'pa', smsc_b: 'pb' }), observer: { onReceipt: () => undefined } });
    const ready = smsReadiness(pool);

    await pool.sync();
    expect(pool.readings().map((r) => r.id)).toEqual(['smsc_a']);
    expect(await ready.check()).toMatchObject({ ok: false, details: { smsc_a: expect.stringMatching(/connecting|down/) } });
    await until(() => pool!.connector('smsc_a')?.state === 'bound', 'a to bind');
    expect(await ready.check()).toEqual({ ok: true, details: { smsc_a: 'bound' } });

    records[0] = { ...records[0]!, updatedAt: T + 1 };
    records[1] = { ...records[1]!, enabled: true };
    await pool.sync();
    await until(() => pool!.readings().every((r) => r.state === 'bound'), 'both to bind');
    expect(sim.binds.map((b) => b.systemId).sort()).toEqual(['a', 'a', 'b']);

    records[0] = { ...records[0]!, enabled: false };
    await pool.sync();
    expect(pool.readings().map((r) => r.id)).toEqual(['smsc_b']);
    await until(() => sim!.boundSessions() === 1, 'a to unbind');
  });

  it('has nothing to report when no connector is enabled', async () => {
    pool = new ConnectorPool({ store: memoryStore([], {}), observer: { onReceipt: () => undefined } });
    await pool.sync();
    expect(await smsReadiness(pool).check()).toEqual({ ok: true });
  });
});
