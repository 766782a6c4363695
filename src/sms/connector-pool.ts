/**
 * The running SMPP connectors of this process, kept in step with the stored configuration: `sync` starts enabled
 * connectors, restarts changed ones and stops disabled or deleted ones. Readiness and metrics read their bind states.
 */
import type { SmsConnectorRecord, SmsStore } from '../store/sms-store.js';
import type { ReadinessCheck } from '../http/routes/health.js';
import { SmppConnector, type BindState, type ConnectorObserver, type SmppConnectorTiming } from './smpp-connector.js';

export interface ConnectorReading {
  readonly id: string;
  readonly name: string;
  readonly state: BindState;
}

export interface ConnectorPoolOptions {
  readonly store: Pick<SmsStore, 'listConnectors' | 'connectorPassword'>;
  readonly observer: ConnectorObserver;
  readonly timing?: Partial<SmppConnectorTiming>;
  readonly now?: () => number;
}

interface Running {
  readonly connector: SmppConnector;
  readonly name: string;
  readonly updatedAt: number;
}

export class ConnectorPool {
  private readonly running = new Map<string, Running>();
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ConnectorPoolOptions) {}

  /** Brings the running connectors in line with the store; calls are serialised, so overlapping syncs are safe. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncOnce(), () => this.syncOnce());
    return this.syncing;
  }

  connector(id: string): SmppConnector | undefined {
    return this.running.get(id)?.connector;
  }

  /** Resolves once the connector is bound, or after `ms` (it may still be binding then), or at once when it does not run. */
  async boundWithin(id: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    const waiting = () => this.connector(id) !== undefined && this.connector(id)?.state !== 'bound' && Date.now() < deadline;
    while (waiting()) await new Promise((r) => setTimeout(r, 10));
    return this.connector(id)?.state === 'bound';
  }

  readings(): ConnectorReading[] {
    return [...this.running.entries()].map(([id, r]) => ({ id, name: r.name, state: r.connector.state }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.syncing.catch(() => undefined);
    await Promise.all([...this.running.values()].map((r) => r.connector.stop()));
    this.running.clear();
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    const stored = (await this.options.store.listConnectors()).filter((c) => c.enabled);
    const wanted = new Set(stored.map((c) => c.id));
    for (const [id, running] of this.running) {
      if (wanted.has(id)) continue;
      this.running.delete(id);
      await running.connector.stop();
    }
    for (const record of stored) {
      const before = this.running.get(record.id);
      if (before !== undefined && before.updatedAt === record.updatedAt) continue;
      const password = await this.options.store.connectorPassword(record.id);
      if (password === undefined || this.stopped) continue;
      // The replacement is listed (not yet bound) while the old bind closes, so readiness never skips a connector.
      const connector = this.build(record, password);
      this.running.set(record.id, { connector, name: record.name, updatedAt: record.updatedAt });
      await before?.connector.stop();
      connector.start();
    }
  }

  private build(record: SmsConnectorRecord, password: string): SmppConnector {
    return new SmppConnector(
      { id: record.id, host: record.host, port: record.port, systemId: record.systemId, password, systemType: record.systemType, throughputPerSecond: record.throughputPerSecond, window: record.window },
      { observer: this.options.observer, ...(this.options.timing ? { timing: this.options.timing } : {}), ...(this.options.now ? { now: this.options.now } : {}) },
    );
  }
}

/** `/readyz` asks whether every enabled connector is bound; the answer lists each one's bind state. */
export function smsReadiness(pool: Pick<ConnectorPool, 'readings'>): ReadinessCheck {
  return {
    name: 'sms-connectors',
    async check() {
      const readings = pool.readings();
      if (readings.length === 0) return { ok: true };
      const details = Object.fromEntries(readings.map((r) => [r.id, r.state]));
      const unbound = readings.filter((r) => r.state !== 'bound');
      if (unbound.length === 0) return { ok: true, details };
      return { ok: false, reason: unbound.map((r) => `${r.id} ${r.state}`).join(', '), details };
    },
  };
}
