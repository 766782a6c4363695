/**
 * The SMS channel of one gateway process: its connector pool (where the role runs background work), kept in step with
 * the store, its readiness check and metrics, and — when the gateway runs on the built-in Cloud API simulator — the
 * built-in SMSC simulator with a demo connector and default route pointing at it.
 */
import { randomBytes } from 'node:crypto';
import type { ReadinessCheck } from '../http/routes/health.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { SmscSimulator } from '../simulator/smsc/smsc-simulator.js';
import type { SmsStore } from '../store/sms-store.js';
import { ConnectorPool, smsReadiness } from './connector-pool.js';
import type { ReceiptEvent, SmppConnectorTiming } from './smpp-connector.js';
import { applyReceipt, receiptRetryRule } from './receipt-applier.js';
import { SmsDispatcher } from './sms-dispatcher.js';
import type { RetrySchedule } from '../domain/retry-policy.js';
import type { DispatchQueue, DispatchStore } from '../store/dispatch-store.js';

/** The name that marks the demo connector, so each start points it at that start's simulator. */
export const DEMO_CONNECTOR_NAME = 'Built-in SMSC simulator';
const DEMO_SYSTEM_ID = 'switchboard-demo';
const DEMO_BIND_WAIT_MS = 3000;

export interface SmsChannelOptions {
  readonly store: SmsStore;
  readonly metrics: GatewayMetrics;
  /** Whether this process runs connectors (its role runs background work). */
  readonly runsConnectors: boolean;
  /** Start the built-in SMSC simulator and point the demo connector at it. */
  readonly simulator: { readonly port: number; readonly demoAccountId?: string } | undefined;
  /** Seconds between re-reads of the stored connectors (changes made by another process); 0 = only on `changed()`. */
  readonly syncSeconds: number;
  readonly now: () => number;
  /** Where delivery receipts go; the message state machine is connected here. */
  readonly onReceipt?: (event: ReceiptEvent) => void;
  readonly timing?: Partial<SmppConnectorTiming>;
  readonly onError?: (error: unknown) => void;
  /**
   * SMS messages of the send API: where this process runs connectors, an SMS dispatcher submits their outbox jobs and
   * receipts move their states. Absent = connectors only (admin test sends).
   */
  readonly messages?: SmsMessagesOptions;
}

export interface SmsMessagesOptions {
  readonly dispatch: DispatchStore;
  readonly queue: Pick<DispatchQueue, 'release'>;
  readonly owner: string;
  readonly leaseMs: number;
  readonly retry: RetrySchedule;
  /** A message moved: customer events are waiting. */
  readonly onSettled: () => void;
}

export interface SmsChannel {
  readonly pool: ConnectorPool | undefined;
  readonly readiness: readonly ReadinessCheck[];
  readonly simulator: SmscSimulator | undefined;
  /** One line for the start-up banner; nothing secret. */
  readonly note: string;
  /** The stored connectors changed (admin API): the pool syncs now. */
  changed(): void;
  /** New work was accepted: the SMS dispatcher (if any) looks for it now. */
  nudge(): void;
  close(): Promise<void>;
}

/** Creates the demo connector (and a default route, when none exists) once; later starts only move it to the new port. */
async function ensureDemoConnector(store: SmsStore, port: number, now: number, demoAccountId: string | undefined): Promise<{ id: string; password: string }> {
  const existing = (await store.listConnectors()).find((c) => c.name === DEMO_CONNECTOR_NAME);
  if (existing !== undefined) {
    if (existing.port !== port || existing.host !== '127.0.0.1') await store.updateConnector(existing.id, { host: '127.0.0.1', port }, now);
    return { id: existing.id, password: (await store.connectorPassword(existing.id)) ?? '' };
  }
  const password = randomBytes(6).toString('base64url'); // SMPP passwords have at most 8 characters
  const connector = await store.createConnector({ name: DEMO_CONNECTOR_NAME, host: '127.0.0.1', port, systemId: DEMO_SYSTEM_ID, password, throughputPerSecond: 50, window: 10 }, now);
  if (!(await store.listRoutes()).some((r) => r.prefix === '')) await store.createRoute({ prefix: '', connectorId: connector.id, accountIds: null }, now);
  if (demoAccountId !== undefined) await store.addSenderId(demoAccountId, 'Switchboard', now);
  return { id: connector.id, password };
}

async function startDemoSimulator(store: SmsStore, options: NonNullable<SmsChannelOptions['simulator']>, now: number): Promise<{ sim: SmscSimulator; connectorId: string }> {
  const { startSmscSimulator } = await import('../simulator/smsc/smsc-simulator.js');
  // The demo connector is pointed at the port the simulator got, so the simulator learns its account afterwards.
  const sim = await startSmscSimulator({ port: options.port, accounts: [] });
  const demo = await ensureDemoConnector(store, sim.port, now, options.demoAccountId);
  sim.addAccount({ systemId: DEMO_SYSTEM_ID, password: demo.password });
  return { sim, connectorId: demo.id };
}

function startSmsDispatcher(options: SmsChannelOptions, pool: ConnectorPool, messages: SmsMessagesOptions): SmsDispatcher {
  const dispatcher = new SmsDispatcher({
    sms: options.store, store: messages.dispatch, queue: messages.queue, pool, now: options.now, random: Math.random,
    config: { owner: messages.owner, leaseMs: messages.leaseMs, maxInFlight: 64, idlePollMs: 100, connectorAwayMs: 2000, retry: messages.retry },
    ...(options.onError ? { onError: options.onError } : {}),
  });
  dispatcher.start();
  return dispatcher;
}

export async function startSmsChannel(options: SmsChannelOptions): Promise<SmsChannel> {
  let simulator: SmscSimulator | undefined;
  let demoConnectorId: string | undefined;
  let note = 'connectors from the store (admin API: /v1/admin/sms/connectors)';
  if (options.simulator !== undefined) {
    // Like the Cloud API simulator, a simulator that cannot start (its port taken) leaves the gateway running without it.
    try {
      const started = await startDemoSimulator(options.store, options.simulator, options.now());
      simulator = started.sim;
      demoConnectorId = started.connectorId;
      note = `built-in SMSC simulator at smpp://${started.sim.host}:${started.sim.port} (demo connector ${started.connectorId}, default route)`;
    } catch (error) {
      note = `the built-in SMSC simulator did not start (${error instanceof Error ? error.message : String(error)}); ${note}`;
    }
  }
  const metrics = options.metrics;
  const messages = options.messages;
  let closing = false;
  const report = options.onError ?? (() => undefined);
  const pool = options.runsConnectors ? new ConnectorPool({
    store: options.store,
    now: options.now,
    ...(options.timing ? { timing: options.timing } : {}),
    observer: {
      onReceipt: (event) => {
        metrics.smsReceipt(event.connectorId, event.receipt.stat);
        if (messages) void applyReceipt({ store: options.store, now: options.now, onApplied: messages.onSettled, running: () => !closing, retryAt: receiptRetryRule(messages.retry, options.now, Math.random) }, event).catch(report);
        options.onReceipt?.(event);
      },
      onSubmit: (connectorId, outcome) => metrics.smsSubmit(connectorId, outcome),
    },
  }) : undefined;
  let timer: NodeJS.Timeout | undefined;
  if (pool) {
    metrics.watchSmsConnectors(() => pool.readings().map((r) => ({ connector: r.id, bound: r.state === 'bound' })));
    await pool.sync();
    // The demo binds to a local simulator within milliseconds: a gateway that just started is ready with it.
    if (demoConnectorId !== undefined) await pool.boundWithin(demoConnectorId, DEMO_BIND_WAIT_MS);
    if (options.syncSeconds > 0) timer = setInterval(() => void pool.sync().catch(report), options.syncSeconds * 1000);
  }
  const dispatcher = pool && messages ? startSmsDispatcher(options, pool, messages) : undefined;
  return {
    pool,
    readiness: pool ? [smsReadiness(pool)] : [],
    simulator,
    note,
    changed: () => void pool?.sync().catch(report),
    nudge: () => dispatcher?.nudge(),
    async close() {
      closing = true;
      clearInterval(timer);
      await dispatcher?.stop();
      await pool?.stop();
      await simulator?.close();
    },
  };
}
