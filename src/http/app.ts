/** buildApp: the whole HTTP API as a Fastify instance that is not listening; main.ts (or a test) decides where it listens. */
import type { DeliveryBounds } from '../domain/delivery.js';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import multipart from '@fastify/multipart';
import type { Store } from '../store/store.js';
import { systemClock, type Clock } from './clock.js';
import { authDecorations, authenticate } from './plugins/auth.js';
import { DEFAULT_AUTH_FAILURE_LIMITS, authFailureCounter, type AuthFailureCounter } from './plugins/auth-failures.js';
import { answerClientError, renderFrameworkError, requestFramingPlugin } from './plugins/framework-errors.js';
import { idempotencyPlugin } from './plugins/idempotency.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { problemPlugin } from './plugins/problem.js';
import { accountQuota } from './plugins/account-quota.js';
import { accountRateLimit } from './plugins/rate-limit.js';
import { backpressurePlugin } from './plugins/backpressure.js';
import { BackpressureGate, type BackpressureBounds } from '../app/backpressure-gate.js';
import { generateRequestId, requestIdPlugin } from './plugins/request-id.js';
import { memoryRequestLimiters, type RequestLimiters } from './request-limiters.js';
import { accountControlRoutes } from './routes/account-controls.js';
import { adminAccountRoutes } from './routes/accounts.js';
import { batchRoutes } from './routes/batch.js';
import { cloudMediaRoutes, cloudRoutes } from './routes/cloud.js';
import { contactRoutes } from './routes/contacts.js';
import { creditRoutes } from './routes/credit.js';
import { errorRoutes } from './routes/errors.js';
import { smsAdminRoutes, type SmsAdminDeps } from './routes/sms-admin.js';
import { healthRoutes, storeReadiness, type ReadinessCheck } from './routes/health.js';
import type { ManagementDeps } from '../app/management-target.js';
import { blockRoutes, cloudBlockRoutes } from './routes/blocks.js';
import { markRead } from '../app/user-controls.js';
import { adminKeyRoutes } from './routes/keys.js';
import { mediaRoutes } from './routes/media.js';
import { messageRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { metaWebhookRoutes, type MetaWebhookRouteDeps } from './routes/meta-webhooks.js';
import { adminNumberRoutes, tenantNumberRoutes } from './routes/numbers.js';
import { numberHealthRoutes } from './routes/number-health.js';
import { optOutRoutes } from './routes/opt-outs.js';
import { templateRoutes } from './routes/templates.js';
import { statsRoutes } from './routes/stats.js';
import { messageListRoute } from './routes/message-list.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { authenticateAnyKind } from './plugins/any-key.js';
import { conditionalGetPlugin } from './plugins/etag.js';
import { webhookRoutes } from './routes/webhooks.js';
import { BacklogGauge, DEFAULT_WEBHOOK_BACKLOG_CAP } from '../webhooks/outbound/backlog-gauge.js';
import type { WebhookSender } from '../webhooks/outbound/webhook-sender.js';
import { EVENT_WEBHOOKS } from './schemas/events.js';
import { GRAPH_ERROR_SCHEMA } from './schemas/graph.js';
import { memoryUploadSlots } from './upload-slots.js';
import { finiteNumbersPlugin } from './schemas/numbers.js';
import { PROBLEM_SCHEMA } from './schemas/problem.js';

export interface AppDeps {
  readonly store: Store;
  readonly clock?: Clock;
  /** Called after each commit that stored messages (the dispatcher's nudge). */
  readonly onAccepted?: () => void;
  /** What may wait across the gateway before sends are refused with 503 gateway_overloaded; absent = no bound. */
  readonly backpressure?: BackpressureBounds;
  /** Customer webhooks: private targets allowed?, the backlog cap, the sender for test sends, the worker's nudge. */
  readonly webhooks?: { readonly allowPrivate?: boolean; readonly backlogCap?: number; readonly sender?: WebhookSender; readonly onReplay?: () => void };
  /** Meta's webhook receiver: its secrets, and who to tell when a delivery was stored. */
  readonly metaWebhooks?: Omit<MetaWebhookRouteDeps, 'inbound' | 'clock'>;
  /** The upstream's management API (templates, contact checks); absent = those calls answer service_unavailable. */
  readonly management?: ManagementDeps;
  readonly limits?: {
    readonly batchMaxRecipients?: number;
    readonly bodyLimitBytes?: number;
    readonly mediaLimitBytes?: number;
    /** Media uploads one account may have in progress at once. */
    readonly mediaUploadsPerAccount?: number;
    /** Bytes of uploaded media one account may keep stored. */
    readonly mediaStorageBytesPerAccount?: number;
  };
  /** Wrong keys per client address per minute, and how long an address that passed it is refused. */
  readonly authFailureLimits?: { readonly limit: number; readonly lockoutSeconds: number };
  /** Where failed authentications are counted; default: where `requestLimiters` count, with `authFailureLimits`. */
  readonly authFailures?: AuthFailureCounter;
  /** Where the account rate, the account quotas and failed authentications are counted; default: this process's memory. */
  readonly requestLimiters?: RequestLimiters;
  readonly trustProxy?: boolean | number | string;
  /** The upstream circuits of the dispatcher in this process, for number health; absent = none runs here. */
  readonly circuits?: () => readonly { readonly open: boolean }[];
  /** Delivery control's bounds (the scheduling horizon); absent = the defaults. */
  readonly deliveryBounds?: DeliveryBounds;
  /** What `/readyz` asks; default: the store. */
  readonly readiness?: readonly ReadinessCheck[];
  /** pino options (level …), or false for no logging (tests, benchmarks). */
  readonly logger?: false | { readonly level: string };
  readonly version?: string;
  /** This process's metrics: counted by the send path, and served at /metrics for an admin key. */
  readonly metrics?: GatewayMetrics;
  /** The SMS channel's admin API: this process's connectors (when it runs them) and who to tell of changes. */
  readonly sms?: Omit<SmsAdminDeps, 'store' | 'clock'>;
}

/** A hop count becomes the function Fastify's types ask for; addresses and booleans pass as they are. */
function trustProxyOption(value: AppDeps['trustProxy']): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return function trustHops(_address, hop) { return hop < value; };
  return value ?? false;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const store = deps.store;
  const backlog = new BacklogGauge(store.webhooks, deps.webhooks?.backlogCap ?? DEFAULT_WEBHOOK_BACKLOG_CAP, () => clock.now());
  const sendDeps = { store, clock, ...(deps.onAccepted ? { onAccepted: deps.onAccepted } : {}), webhookBacklog: (accountId: string) => backlog.read(accountId),
    ...(deps.management?.contactCheckTtlMs === undefined ? {} : { contactCheckTtlMs: deps.management.contactCheckTtlMs }),
    ...(deps.metrics ? { metrics: deps.metrics } : {}), ...(deps.deliveryBounds ? { deliveryBounds: deps.deliveryBounds } : {}),
    ...(deps.sms?.maxSegments === undefined ? {} : { smsMaxSegments: deps.sms.maxSegments }) };
  const limits = {
    batchMaxRecipients: 1000, bodyLimitBytes: 1024 * 1024, mediaLimitBytes: 100 * 1024 * 1024,
    mediaUploadsPerAccount: 2, mediaStorageBytesPerAccount: 1024 * 1024 * 1024, ...deps.limits,
  };
  const app = Fastify({
    logger: deps.logger === undefined || deps.logger === false ? false : { level: deps.logger.level },
    // One log line per request halves throughput on this hardware (research/stack.md); errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: generateRequestId,
    bodyLimit: limits.bodyLimitBytes,
    trustProxy: trustProxyOption(deps.trustProxy),
    // Unknown fields are refused, not silently dropped: a typo such as `credits` must not look like success.
    // Refusals raised before routing (bad URL, over-long id, broken framing) still answer from the catalog.
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: answerClientError,
    http: { requireHostHeader: false },
    ajv: { customOptions: { allErrors: false, removeAdditional: false }, plugins: [finiteNumbersPlugin] },
  });

  const metrics = deps.metrics;
  const backpressure = new BackpressureGate(store.gauges, deps.backpressure ?? { dueMessages: 0, pendingDeliveries: 0 }, () => clock.now(),
    (error) => app.log.warn({ err: error }, 'counting the backlog for back-pressure failed'));
  const requestLimiters = deps.requestLimiters ?? memoryRequestLimiters;
  const failures = deps.authFailures ?? authFailureCounter(deps.authFailureLimits ?? DEFAULT_AUTH_FAILURE_LIMITS, requestLimiters);
  authDecorations(app);
  requestIdPlugin(app);
  problemPlugin(app);
  jsonBodyPlugin(app);
  requestFramingPlugin(app);
  app.addSchema(PROBLEM_SCHEMA);
  app.addSchema(GRAPH_ERROR_SCHEMA);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard',
        version: deps.version ?? '0.1.0',
        description: 'Self-hosted WhatsApp Business messaging gateway. Every error is an entry of the catalog at /v1/errors.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
      webhooks: EVENT_WEBHOOKS,
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async function openapiDocument() {
    return app.swagger();
  });

  healthRoutes(app, { checks: deps.readiness ?? [storeReadiness(store)] });
  errorRoutes(app);
  await metaWebhookRoutes(app, {
    inbound: store.inbound,
    clock,
    appSecret: deps.metaWebhooks?.appSecret,
    verifyToken: deps.metaWebhooks?.verifyToken,
    onStored: deps.metaWebhooks?.onStored ?? (() => undefined),
  });

  // One rate limit and one quota counter for every scope an account key reaches: its reads and sends add up.
  const rateLimit = accountRateLimit(requestLimiters);
  const quota = accountQuota({ store, limiters: requestLimiters });
  await app.register(async function tenantScope(scope) {
    scope.addHook('onRequest', authenticate({ store, clock, kind: 'account', failures }));
    scope.addHook('onRequest', rateLimit);
    scope.addHook('onRequest', quota);
    // Before the idempotency claim: a refused send costs no store write.
    if (backpressure.enabled) backpressurePlugin(scope, { gate: backpressure, ...(metrics ? { onRefused: (backlog) => metrics.sendRefusedOverloaded(backlog) } : {}) });
    idempotencyPlugin(scope, { store, clock });
    messageRoutes(scope, sendDeps);
    batchRoutes(scope, { ...sendDeps, maxRecipients: limits.batchMaxRecipients });
    tenantNumberRoutes(scope, { store });
    numberHealthRoutes(scope, { store, clock, ...(deps.circuits ? { circuits: deps.circuits } : {}) });
    optOutRoutes(scope, sendDeps);
    const management = { store, clock, ...(deps.management ? { management: deps.management } : {}) };
    templateRoutes(scope, management);
    contactRoutes(scope, management);
    blockRoutes(scope, management);
    cloudBlockRoutes(scope, management);
    creditRoutes(scope, { store });
    webhookRoutes(scope, {
      store: store.webhooks, clock, allowPrivate: deps.webhooks?.allowPrivate ?? false,
      ...(deps.webhooks?.sender ? { sender: deps.webhooks.sender } : {}), ...(deps.webhooks?.onReplay ? { onReplay: deps.webhooks.onReplay } : {}),
    });
    cloudRoutes(scope, sendDeps, (account, wamid, typing) => markRead(management, account, wamid, typing));
    // Multipart adds three hooks to every request of its scope, so only the upload routes live in it.
    await scope.register(async function uploadScope(uploads) {
      await uploads.register(multipart, { limits: { fileSize: limits.mediaLimitBytes, files: 1 } });
      const uploadDeps = {
        store, clock, slots: memoryUploadSlots(limits.mediaUploadsPerAccount), storageBytesPerAccount: limits.mediaStorageBytesPerAccount,
      };
      mediaRoutes(uploads, uploadDeps);
      cloudMediaRoutes(uploads, uploadDeps);
    });
  });

  // The dashboard's reads: either key kind, answered 304 when the poller already has the figures.
  await app.register(async function statsScope(scope) {
    scope.addHook('onRequest', authenticateAnyKind({ store, clock, failures }));
    scope.addHook('onRequest', rateLimit);
    scope.addHook('onRequest', quota);
    conditionalGetPlugin(scope);
    statsRoutes(scope, { store, clock, ...(deps.metrics ? { metrics: deps.metrics } : {}) });
    messageListRoute(scope, { store });
  });
  dashboardRoutes(app);

  await app.register(async function adminScope(scope) {
    scope.addHook('onRequest', authenticate({ store, clock, kind: 'admin', failures }));
    adminAccountRoutes(scope, { store, clock });
    adminKeyRoutes(scope, { store, clock });
    adminNumberRoutes(scope, { store, clock });
    accountControlRoutes(scope, { store, clock });
    smsAdminRoutes(scope, { store, clock, pool: undefined, changed: () => undefined, maxSegments: 6, ...deps.sms });
    if (deps.metrics) metricsRoutes(scope, { registry: deps.metrics.exposition, needsAdminKey: true });
  });

  return app;
}
