/**
 * Composition root: reads nothing itself but the Config it is given; builds the store, the upstream (the embedded
 * simulator when none is configured), the first-start keys and demo, then what the process's role runs: the API
 * (buildApp) or only the probes, and the background workers or none; then listens.
 */
import { duePreflight } from './app/due-preflight.js';
import { DEFAULT_DELIVERY_BOUNDS } from './domain/delivery.js';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { DEFAULT_DISPATCHER_CONFIG, Dispatcher, type DispatcherConfig } from './dispatch/dispatcher.js';
import { DEFAULT_UPSTREAM_CLIENT_OPTIONS, UpstreamClient } from './dispatch/upstream-client.js';
import { DEFAULT_RATE_PERMIT_CONFIG, type RatePermitConfig } from './dispatch/rate-permit.js';
import { openSharedLimits, type SharedLimits } from './limits/open-shared-limits.js';
import { GraphManagementClient } from './dispatch/graph-management-client.js';
import { TemplateSync } from './dispatch/template-sync.js';
import { reviewReasonOf, templateStatusOf } from './domain/templates/status.js';
import { DEFAULT_KEYWORDS } from './domain/opt-out-keywords.js';
import type { TemplateStatusWriter } from './webhooks/inbound/apply.js';
import { MetaWebhookApplier } from './webhooks/inbound/apply.js';
import { buildApp } from './http/app.js';
import { closeWithin } from './http/close-within.js';
import { buildProbeApp } from './http/probe-app.js';
import { buildMetricsApp } from './http/metrics-app.js';
import { authFailureCounter } from './http/plugins/auth-failures.js';
import { GatewayMetrics } from './observability/metrics.js';
import { storeReadiness, type ReadinessCheck } from './http/routes/health.js';
import { runFirstStart, type DemoUpstream, type FirstStart } from './app/first-start.js';
import { checkRole, dutiesOf, type ProcessRole } from './domain/process-role.js';
import { systemClock, type Clock } from './http/clock.js';
import { openStore } from './store/open-store.js';
import { openRetention } from './store/open-retention.js';
import { DEFAULT_PRUNER_CONFIG, Pruner } from './runtime/pruner.js';
import { createWebhookDelivery, type WebhookDelivery } from './webhooks/outbound/webhook-delivery.js';
import type { Store } from './store/store.js';
import { startSmsChannel, type SmsChannel } from './sms/sms-channel.js';
import { FailoverWorker } from './app/failover.js';

/** How often due failovers are looked for between status changes (an `after_seconds` wait ends within this). */
const FAILOVER_POLL_MS = 250;
import type { SmppConnectorTiming } from './sms/smpp-connector.js';
import { PartnerWakeUps } from './runtime/partner-wake-ups.js';
import { BackgroundProcess } from './runtime/background-process.js';
import { takeBackgroundLock } from './runtime/background-lock.js';
import { sqliteFileOf } from './store/open-store.js';
import type { RoleDuties } from './domain/process-role.js';

/** How long a background process waits for an earlier one on the same SQLite file to finish its in-flight work. */
const BACKGROUND_LOCK_WAIT_MS = 60_000;

/** The part of the simulator's handle the gateway uses (src/simulator/index.ts), kept structural on purpose. */
interface EmbeddedUpstream {
  readonly url: string;
  readonly admin: DemoUpstream & { setWebhook(input: { url: string; appSecret: string; verifyToken?: string }): void };
  close(): Promise<void>;
}

export type { FirstStart } from './app/first-start.js';

export interface RunningGateway {
  readonly url: string;
  readonly role: ProcessRole;
  /** The whole API, or only the probes (the worker role). */
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly upstreamUrl: string | undefined;
  readonly upstreamNote: string;
  readonly firstStart: FirstStart;
  /** Absent when the role runs no background work, dispatch is off for a test, or there is no upstream to send to. */
  readonly dispatcher: Dispatcher | undefined;
  readonly metaWebhooks: MetaWebhookApplier;
  /** Customer webhooks: the delivery worker and its sender. */
  readonly webhooks: WebhookDelivery;
  /** Send and request limits: in Redis when REDIS_URL is set; its health belongs in readiness. */
  readonly limits: SharedLimits;
  /** This process's metrics, served at /metrics (admin key) and on the metrics listener. */
  readonly metrics: GatewayMetrics;
  /** The metrics listener's base URL, when `metricsPort` is set. */
  readonly metricsUrl: string | undefined;
  /** SMPP connectors (where the role runs background work) and the built-in SMSC simulator, when it runs. */
  readonly sms: SmsChannel;
  /** The child process doing the background work of role `all`, when it runs in one. */
  readonly background: BackgroundProcess | undefined;
  close(): Promise<void>;
}

export interface GatewayOptions {
  readonly clock?: Clock;
  readonly logger?: boolean;
  /** Dispatcher settings over the defaults (tests shorten leases, backoffs and outages). */
  readonly dispatcher?: Partial<DispatcherConfig>;
  /** Send pace settings over the defaults (tests shorten the slow-down). */
  readonly permits?: RatePermitConfig;
  /** Tests that settle sends themselves: no dispatcher, whatever the role. */
  readonly withoutDispatcher?: boolean;
  /** What `/readyz` asks beyond the store (a shared Redis, say). */
  readonly readiness?: readonly ReadinessCheck[];
  /** Options for the embedded simulator (status delays, seed …). */
  readonly simulator?: Record<string, unknown>;
  /** SMPP connector timings over the defaults (tests shorten the reconnect backoff). */
  readonly smsTiming?: Partial<SmppConnectorTiming>;
  /** Role `all` serves HTTP here and runs its background work in a child process (runtime/background-process.ts). */
  readonly backgroundProcess?: boolean;
  /** This process is the background process of a serving one: wake-ups cross to it over IPC. */
  readonly partner?: PartnerWakeUps;
}

async function startEmbeddedUpstream(options: Record<string, unknown>): Promise<EmbeddedUpstream | { error: string }> {
  try {
    const simulator = (await import('./simulator/index.js')) as unknown as {
      startSimulator(options: Record<string, unknown>): Promise<EmbeddedUpstream>;
    };
    return await simulator.startSimulator({ host: '127.0.0.1', port: 0, ...options });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The simulator keeps its state in memory: on every start, each stored number (and its business and token) is
 * declared again, so numbers created on an earlier run keep working against the fresh simulator.
 */
async function mirrorNumbers(store: Store, upstream: EmbeddedUpstream): Promise<void> {
  const seenBusinesses = new Set<string>();
  for (const number of await store.listNumbers({})) {
    const token = await store.getAccessToken(number.id);
    try {
      if (!seenBusinesses.has(number.wabaId)) {
        seenBusinesses.add(number.wabaId);
        upstream.admin.createBusiness({ wabaId: number.wabaId, ...(token ? { accessToken: token } : {}) });
        upstream.admin.createTemplate?.({ wabaId: number.wabaId, name: 'hello_world', language: 'en_US', body: 'Hello World' });
      }
      upstream.admin.createPhoneNumber({
        wabaId: number.wabaId, phoneNumberId: number.phoneNumberId, displayPhoneNumber: number.displayPhoneNumber,
        throughputMps: number.maxMps, registered: number.registration === 'registered',
      });
    } catch {
      // Already declared (two numbers of one business), or a number the simulator refuses: it simply has no mirror.
    }
  }
}

/** Opens the store the role will use, or refuses the role (closing what it opened) before anything else starts. */
async function openStoreFor(config: Config, partner: PartnerWakeUps | undefined): Promise<Store> {
  const store = await openStore(config, { maxGroupItems: config.groupCommitMaxItems, ...(partner ? { partner } : {}) });
  const decision = checkRole(config.role, { storeSharedAcrossProcesses: store.capabilities.sharedAcrossProcesses, upstreamConfigured: config.upstreamUrl !== undefined });
  if (decision.kind === 'start') return store;
  await store.close();
  throw new Error(decision.reason);
}

/** Template review changes from Meta's webhooks update the stored template, when Switchboard knows it. */
function templateStatusWriter(store: Store): TemplateStatusWriter {
  return {
    async setTemplateStatus(change, now) {
      // Keeps the upstream id and records the review's reason (issue 6's template tracking).
      const status = templateStatusOf(change.event);
      if (status) await store.templates.setTemplateStatus(change.wabaId, change.name, change.language, status, reviewReasonOf(change.reason), now);
    },
  };
}

function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** The SQLite file of a process that does background work on one, which must hold the background lock first. */
function lockedFileOf(config: Config, duties: RoleDuties): string | undefined {
  return duties.background ? sqliteFileOf(config) : undefined;
}

/** The child that does this process's background work, once it listens and knows the upstream the child must use. */
async function startBackgroundProcess(upstreamBaseUrl: string | undefined, wakeUps: PartnerWakeUps): Promise<BackgroundProcess> {
  if (upstreamBaseUrl === undefined)
    throw new Error('the background process needs an upstream and the built-in simulator did not start: set SWITCHBOARD_UPSTREAM_URL, or SWITCHBOARD_BACKGROUND=inline');
  const background = new BackgroundProcess({
    // The child reaches the simulator this process started; it answers only its probes, on a port of its own.
    env: { SWITCHBOARD_UPSTREAM_URL: upstreamBaseUrl, SWITCHBOARD_ROLE: 'worker', PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_METRICS_PORT: '', SWITCHBOARD_DEMO: 'false' },
    wakeUps,
    log: (message) => console.error(message),
  });
  await background.start();
  return background;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const splitOff = options.backgroundProcess === true && config.role === 'all';
  const duties: RoleDuties = splitOff ? { api: true, background: false } : dutiesOf(config.role);
  const partner = splitOff ? new PartnerWakeUps() : options.partner;
  const lockedFile = lockedFileOf(config, duties);
  const releaseLock = lockedFile === undefined ? undefined : await takeBackgroundLock(lockedFile, BACKGROUND_LOCK_WAIT_MS);
  const store = await openStoreFor(config, partner).catch((error: unknown) => {
    releaseLock?.();
    throw error;
  });
  let background: BackgroundProcess | undefined;
  const limits = openSharedLimits({ redisUrl: config.redisUrl, prefix: config.redisPrefix, permits: options.permits ?? DEFAULT_RATE_PERMIT_CONFIG, now: () => clock.now() });
  let upstream: EmbeddedUpstream | undefined;
  let upstreamNote: string;
  let dispatcher: Dispatcher | undefined;
  let upstreamClient: UpstreamClient | undefined;
  let managementClient: GraphManagementClient | undefined;
  let templateSync: TemplateSync | undefined;
  let metricsApp: FastifyInstance | undefined;
  let sms: SmsChannel | undefined;
  let failovers: FailoverWorker | undefined;
  const retention = duties.background && config.pruneIntervalSeconds > 0 ? openRetention(config) : undefined;
  const pruner = retention && new Pruner({
    store: retention.store,
    config: { ...DEFAULT_PRUNER_CONFIG, policy: config.retention, batchRows: config.pruneBatchRows, intervalMs: config.pruneIntervalSeconds * 1000 },
    now: () => clock.now(),
    onError: (error) => console.error('pruning old rows failed:', error),
  });
  const metrics = new GatewayMetrics(() => clock.now());
  // A background process leaves the store's gauges to the serving process, whose /metrics merges both.
  if (!options.partner) metrics.watchQueues(store.gauges);
  const webhooks = createWebhookDelivery(store, config, { now: () => clock.now(), metrics });
  const metaWebhooks = new MetaWebhookApplier({
    inbound: store.inbound,
    contacts: {
      recordInbound: (numberId, waId, at) => store.recordInbound(numberId, waId, at),
      recordOptOut: (accountId, waId, now) => store.recordOptOut(accountId, waId, now),
      removeOptOut: (accountId, waId) => store.removeOptOut(accountId, waId),
      markOnWhatsApp: (accountId, waId, now) => store.contactChecks.saveContactChecks(accountId, [{ waId, status: 'valid' }], now),
    },
    identities: store.identities,
    templates: templateStatusWriter(store),
    health: store.health,
    keywords: DEFAULT_KEYWORDS,
    now: () => clock.now(),
    pollMs: 1000,
    onError: (error) => console.error('applying a Meta webhook failed:', error),
    onApplied: () => store.wakeUps.signal('events'),
    metrics,
  });
  try {
    if (config.upstreamUrl === undefined) {
      const started = await startEmbeddedUpstream(options.simulator ?? {});
      if ('error' in started) upstreamNote = `none (the built-in simulator did not start: ${started.error})`;
      else {
        upstream = started;
        upstreamNote = `built-in simulator at ${started.url}`;
        await mirrorNumbers(store, started);
      }
    } else upstreamNote = config.upstreamUrl;
    const firstStart = await runFirstStart(store, config, upstream?.admin, () => clock.now());
    // With the embedded simulator both secrets are ours to choose; a real Meta app needs the operator's.
    const appSecret = config.metaAppSecret ?? (upstream ? randomSecret() : undefined);
    const verifyToken = config.metaVerifyToken ?? (upstream ? randomSecret() : undefined);
    const upstreamBaseUrl = config.upstreamUrl ?? upstream?.url;
    if (duties.background && !options.withoutDispatcher && upstreamBaseUrl !== undefined) {
      upstreamClient = new UpstreamClient({ ...DEFAULT_UPSTREAM_CLIENT_OPTIONS, timeoutMs: config.upstreamTimeoutMs });
      dispatcher = new Dispatcher({
        store: store.dispatch,
        queue: store.dispatchQueue,
        upstream: upstreamClient,
        permits: limits.permits,
        now: () => clock.now(),
        random: Math.random,
        config: { ...DEFAULT_DISPATCHER_CONFIG, owner: `dispatcher-${process.pid}-${randomSecret().slice(0, 6)}`, reclaimEveryMs: store.capabilities.sharedAcrossProcesses ? DEFAULT_DISPATCHER_CONFIG.leaseMs : 0, upstreamBaseUrl, apiVersion: config.graphVersion, recoveryGraceMs: config.recoveryGraceMs, ...options.dispatcher },
        onError: (error) => console.error('dispatch failed:', error),
        metrics,
        recheckDue: duePreflight(store),
      });
      const breakers = dispatcher;
      metrics.watchCircuits(() => breakers.circuits());
    }
    const running = dispatcher;
    if (running) store.wakeUps.on('outbox', () => running.nudge());
    if (duties.background) store.wakeUps.on('meta_webhooks', () => metaWebhooks.nudge());
    if (upstreamBaseUrl !== undefined) {
      managementClient = new GraphManagementClient();
      templateSync = new TemplateSync({
        store, client: managementClient, baseUrl: upstreamBaseUrl, apiVersion: config.graphVersion, intervalMs: config.templateSyncSeconds * 1000,
        now: () => clock.now(), onError: (wabaId, error) => console.error(`template sync of WABA ${wabaId} failed:`, error),
      });
    }
    const management = managementClient && upstreamBaseUrl !== undefined
      ? {
        client: managementClient, baseUrl: upstreamBaseUrl, apiVersion: config.graphVersion, contactCheckTtlMs: config.contactCheckTtlSeconds * 1000,
        claimCallSlot: (numberId: string, perSecond: number) => limits.permits.claimCallSlot(numberId, perSecond),
      }
      : undefined;
    // Sends wait while the shared limits cannot be read, so a worker is not ready then; an api process still accepts.
    const limitsReadiness = duties.background && config.redisUrl !== undefined ? [{ name: 'redis', check: () => limits.health() }] : [];
    sms = await startSmsChannel({
      store: store.sms, metrics, runsConnectors: duties.background, syncSeconds: config.smsSyncSeconds, now: () => clock.now(),
      simulator: upstream && config.smsSimulator ? { port: config.smsSimulatorPort, ...(firstStart.demo ? { demoAccountId: firstStart.demo.accountId } : {}) } : undefined,
      onError: (error) => console.error('reading the SMS connectors failed:', error),
      ...(options.smsTiming ? { timing: options.smsTiming } : {}),
      ...(duties.background && !options.withoutDispatcher ? {
        messages: {
          dispatch: store.dispatch, queue: store.dispatchQueue, owner: `sms-${process.pid}-${randomSecret().slice(0, 6)}`,
          leaseMs: DEFAULT_DISPATCHER_CONFIG.leaseMs, retry: options.dispatcher?.retry ?? DEFAULT_DISPATCHER_CONFIG.retry, onSettled: () => store.wakeUps.signal('events'),
        },
      } : {}),
    });
    const smsChannel = sms;
    store.wakeUps.on('outbox', () => smsChannel.nudge());
    failovers = duties.background ? new FailoverWorker({
      store, now: () => clock.now(), maxSegments: config.smsMaxSegments, pollMs: FAILOVER_POLL_MS,
      onChanged: () => {
        store.wakeUps.signal('outbox');
        store.wakeUps.signal('events');
      },
      onError: (error) => console.error('deciding a failover failed:', error),
    }) : undefined;
    const failoverWorker = failovers;
    // Every status change writes an event: the moment a failover may be decided.
    if (failoverWorker) store.wakeUps.on('events', () => failoverWorker.nudge());
    const backgroundReadiness = splitOff ? [{ name: 'background', check: async () => background?.state() ?? { ok: false as const, reason: 'the background process is starting' } }] : [];
    const readiness = [storeReadiness(store), ...limitsReadiness, ...sms.readiness, ...backgroundReadiness, ...(options.readiness ?? [])];
    const logger = options.logger === false ? false : { level: config.logLevel };
    const failures = authFailureCounter({ limit: config.authFailureLimit, lockoutSeconds: config.authLockoutSeconds }, limits.requestLimiters);
    const app = !duties.api ? await buildProbeApp({ readiness, logger, metrics: { registry: metrics.exposition, auth: { store, clock, failures } } }) : await buildApp({
      store,
      clock,
      limits: {
        batchMaxRecipients: config.batchMaxRecipients, bodyLimitBytes: config.bodyLimitBytes, mediaLimitBytes: config.mediaLimitBytes,
        mediaUploadsPerAccount: config.mediaUploadsPerAccount, mediaStorageBytesPerAccount: config.mediaStorageBytesPerAccount,
      },
      authFailures: failures,
      requestLimiters: limits.requestLimiters,
      trustProxy: config.trustProxy,
      deliveryBounds: { ...DEFAULT_DELIVERY_BOUNDS, horizonMs: config.scheduleHorizonSeconds * 1000 },
      backpressure: { dueMessages: config.maxDueMessages, pendingDeliveries: config.maxPendingWebhookDeliveries },
      logger,
      readiness,
      onAccepted: () => {
        store.wakeUps.signal('outbox');
        store.wakeUps.signal('events');
      },
      metaWebhooks: {
        appSecret, verifyToken,
        onStored: () => {
          metrics.metaWebhookReceived();
          store.wakeUps.signal('meta_webhooks');
        },
      },
      metrics,
      ...(running ? { circuits: () => running.circuits() } : {}),
      webhooks: webhooks.appOptions,
      sms: { pool: smsChannel.pool, changed: () => smsChannel.changed(), maxSegments: config.smsMaxSegments },
      ...(management ? { management } : {}),
    });
    const address = await app.listen({ host: config.host, port: config.port });
    const url = address.replace('[::1]', 'localhost');
    let metricsUrl: string | undefined;
    if (config.metricsPort !== undefined) {
      metricsApp = buildMetricsApp({ registry: metrics.exposition, logger });
      metricsUrl = (await metricsApp.listen({ host: config.metricsHost, port: config.metricsPort })).replace('[::1]', 'localhost');
    }
    if (upstream && appSecret !== undefined) upstream.admin.setWebhook({ url: `${url}/webhooks/meta`, appSecret, ...(verifyToken ? { verifyToken } : {}) });
    if (partner && splitOff) {
      const started = await startBackgroundProcess(upstreamBaseUrl, partner);
      background = started;
      metrics.joinPartner(() => started.metrics());
    }
    if (duties.background) {
      metaWebhooks.start();
      dispatcher?.start();
      failovers?.start();
      if (config.templateSyncSeconds > 0) templateSync?.start();
      pruner?.start();
      await webhooks.start((level, message, fields) => (options.logger === false ? undefined : app.log[level](fields, message)));
    }
    return {
      url,
      role: config.role,
      app,
      store,
      upstreamUrl: upstreamBaseUrl,
      upstreamNote,
      firstStart,
      dispatcher,
      metaWebhooks,
      webhooks,
      limits,
      metrics,
      metricsUrl,
      sms: smsChannel,
      background,
      async close() {
        await pruner?.stop();
        await retention?.close();
        await webhooks.stop();
        await dispatcher?.stop();
        await failovers?.stop();
        await templateSync?.stop();
        await closeWithin(app);
        if (metricsApp) await closeWithin(metricsApp);
        // After the HTTP server: every message accepted until the last moment is still dispatched by the child.
        await background?.stop();
        await metaWebhooks.stop();
        await smsChannel.close();
        await upstream?.close();
        await upstreamClient?.close();
        await managementClient?.close();
        await limits.close();
        await store.close();
        releaseLock?.();
      },
    };
  } catch (error) {
    await pruner?.stop().catch(() => undefined);
    await retention?.close().catch(() => undefined);
    await webhooks.stop().catch(() => undefined);
    await dispatcher?.stop().catch(() => undefined);
    await failovers?.stop().catch(() => undefined);
    await metricsApp?.close().catch(() => undefined);
    await metaWebhooks.stop().catch(() => undefined);
    await sms?.close().catch(() => undefined);
    await upstream?.close().catch(() => undefined);
    await upstreamClient?.close().catch(() => undefined);
    await managementClient?.close().catch(() => undefined);
    await background?.stop().catch(() => undefined);
    await limits.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    releaseLock?.();
    throw error;
  }
}
