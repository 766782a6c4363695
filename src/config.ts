/** One typed configuration object, read from the environment (and an optional YAML file), with embedded defaults. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BACKGROUND_PLACEMENTS, isBackgroundPlacement, isProcessRole, PROCESS_ROLES, type BackgroundPlacement, type ProcessRole } from './domain/process-role.js';
import { DEFAULT_RETENTION, type RetainedTable, type RetentionPolicy } from './domain/retention.js';
import { DEFAULT_PRUNER_CONFIG } from './runtime/pruner.js';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** When set, this is an admin key from the first start on (for automation); otherwise one is generated and printed. */
  readonly adminKey: string | undefined;
  /** Encrypts numbers' access tokens at rest; unset = a key generated into the data dir. */
  readonly secretKey: string | undefined;
  /** Graph base URL of the upstream (e.g. https://graph.facebook.com); unset = the embedded simulator. */
  readonly upstreamUrl: string | undefined;
  readonly graphVersion: string;
  /** Recipients one batch may name. */
  readonly batchMaxRecipients: number;
  /** Largest JSON body in bytes. */
  readonly bodyLimitBytes: number;
  /** Largest media upload in bytes (Meta's largest, documents, is 100 MB). */
  readonly mediaLimitBytes: number;
  /** Media uploads one account may have in progress at once. */
  readonly mediaUploadsPerAccount: number;
  /** Bytes of uploaded media one account may keep stored. */
  readonly mediaStorageBytesPerAccount: number;
  /** Wrong or revoked keys one client address may present per minute before it is locked out. */
  readonly authFailureLimit: number;
  /** How long a client address that passed the failure limit is refused, in seconds. */
  readonly authLockoutSeconds: number;
  /** Most requests gathered into one durable commit. */
  readonly groupCommitMaxItems: number;
  readonly logLevel: string;
  /** Trust X-Forwarded-For from a proxy in front (for IP allow-lists): true, false, or a hop count / address list. */
  readonly trustProxy: boolean | number | string;
  /** Create the demo account and number on a fresh database. */
  readonly demo: boolean;
  /** Customer webhook endpoints may be on private and loopback addresses (tests; a gateway inside the customer's network). */
  readonly webhookAllowPrivate: boolean;
  /** Undelivered webhook events per account past which its new sends are refused (webhook_backlog_full). */
  readonly webhookBacklogCap: number;
  /** Messages accepted and due but not yet dispatched, across the gateway, past which new sends get 503 gateway_overloaded (0 = no bound). */
  readonly maxDueMessages: number;
  /** Customer-webhook deliveries pending across the gateway past which new sends get 503 gateway_overloaded (0 = no bound). */
  readonly maxPendingWebhookDeliveries: number;
  /** Waits in seconds before each webhook retry; attempts in all = length + 1. */
  readonly webhookRetrySchedule: readonly number[];
  /** A webhook endpoint failing with no success for this many seconds is disabled. */
  readonly webhookDisableAfterSeconds: number;
  /** Deadline of one webhook post, in milliseconds. */
  readonly webhookTimeoutMs: number;
  /** Meta app secret that signs Meta's webhooks; unset with the embedded simulator = a random one per start. */
  readonly metaAppSecret: string | undefined;
  /** Token Meta must present in the webhook subscription handshake; unset with the simulator = random per start. */
  readonly metaVerifyToken: string | undefined;
  /** What this process runs: the HTTP API, the background work, or both (domain/process-role.ts). */
  readonly role: ProcessRole;
  /** Where role `all` runs its background work: this process, or a child process it supervises (domain/process-role.ts). */
  readonly background: BackgroundPlacement;
  /**
   * How long a send cut short (by a crash, or an answer lost after the request was written) waits for Meta's status
   * webhook before it is sent again (docs/dispatch.md).
   */
  readonly recoveryGraceMs: number;
  /** How long a message send waits for Meta's answer (headers, then body) before its outcome counts as unknown. */
  readonly upstreamTimeoutMs: number;
  /** How often templates and their review status are synced from the upstream (seconds; 0 = never). */
  readonly templateSyncSeconds: number;
  /** How long a contact check's answer (has WhatsApp or not) is trusted, in seconds. */
  readonly contactCheckTtlSeconds: number;
  /** How far ahead a message's `send_at` may be, in seconds. */
  readonly scheduleHorizonSeconds: number;
  /** How long each table keeps its rows, in ms; the ledger is folded past its horizon, never lost (domain/retention.ts). */
  readonly retention: RetentionPolicy;
  /** Most rows one pruning statement removes: the longest the pruner holds the database at a time. */
  readonly pruneBatchRows: number;
  /** Seconds between pruning passes once every table is caught up (0 = never prune). */
  readonly pruneIntervalSeconds: number;
  /** Redis that holds the send and request limits shared by every gateway process; unset = this process's memory. */
  readonly redisUrl: string | undefined;
  /** Starts every Redis key of this deployment, so several can share one Redis. */
  readonly redisPrefix: string;
  /** A second listener that serves only /metrics, without a key; unset = /metrics only on the main port, for an admin key. */
  readonly metricsPort: number | undefined;
  /** Where that listener binds: loopback unless the operator opens it. */
  readonly metricsHost: string;
  /** Most segments one SMS may be split into (a longer text is refused with sms_too_many_segments). */
  readonly smsMaxSegments: number;
  /** With the built-in Cloud API simulator, also start the built-in SMSC simulator and a demo connector to it. */
  readonly smsSimulator: boolean;
  /** Port of the built-in SMSC simulator (0 = any free port). */
  readonly smsSimulatorPort: number;
  /** Seconds between re-reads of the stored SMS connectors, for changes made through another process (0 = never). */
  readonly smsSyncSeconds: number;
}

const HOUR_MS = 3600 * 1000;

/** One variable per retained table; idempotency keys cannot be kept for less than the 24 hours promised to clients. */
const RETENTION_VARIABLES: readonly { table: RetainedTable; name: string; unitMs: number; min: number; meaning: string }[] = [
  { table: 'messages', name: 'SWITCHBOARD_RETAIN_MESSAGES_DAYS', unitMs: 24 * HOUR_MS, min: 1, meaning: 'Days a message is kept once dispatch has finished with it (sent, delivered, read or failed)' },
  { table: 'events', name: 'SWITCHBOARD_RETAIN_EVENTS_DAYS', unitMs: 24 * HOUR_MS, min: 1, meaning: 'Days a customer-webhook event is kept once fanned out and its deliveries are gone' },
  { table: 'webhook_deliveries', name: 'SWITCHBOARD_RETAIN_WEBHOOK_DELIVERIES_DAYS', unitMs: 24 * HOUR_MS, min: 1, meaning: 'Days a failed webhook delivery is kept (and can be replayed); a delivered one is not kept, its attempt is the record' },
  { table: 'webhook_attempts', name: 'SWITCHBOARD_RETAIN_WEBHOOK_ATTEMPTS_DAYS', unitMs: 24 * HOUR_MS, min: 1, meaning: 'Days a webhook attempt is kept' },
  { table: 'idempotency_keys', name: 'SWITCHBOARD_RETAIN_IDEMPOTENCY_HOURS', unitMs: HOUR_MS, min: 24, meaning: 'Hours an Idempotency-Key is kept (at least 24, the time it is honoured)' },
  { table: 'meta_webhooks', name: 'SWITCHBOARD_RETAIN_META_WEBHOOKS_DAYS', unitMs: 24 * HOUR_MS, min: 0, meaning: 'Days a Meta webhook delivery is kept once applied (0 = removed by the next pruning pass after it is applied)' },
  { table: 'inbound_messages', name: 'SWITCHBOARD_RETAIN_INBOUND_DAYS', unitMs: 24 * HOUR_MS, min: 1, meaning: 'Days a customer\u2019s inbound message is kept' },
  { table: 'media', name: 'SWITCHBOARD_RETAIN_MEDIA_DAYS', unitMs: 24 * HOUR_MS, min: 1, meaning: 'Days an uploaded media file is kept' },
  { table: 'credit_ledger', name: 'SWITCHBOARD_LEDGER_COMPACT_DAYS', unitMs: 24 * HOUR_MS, min: 1, meaning: 'Days after which an account\u2019s settled ledger rows are folded into one balance-forward row' },
];

const DEFAULT_PRUNE_BATCH_ROWS = DEFAULT_PRUNER_CONFIG.batchRows;
const DEFAULT_PRUNE_INTERVAL_SECONDS = DEFAULT_PRUNER_CONFIG.intervalMs / 1000;

export const CONFIG_VARIABLES: readonly { name: string; meaning: string }[] = [
  { name: 'PORT', meaning: 'Port to listen on (default 8080; 0 picks a free one).' },
  { name: 'HOST', meaning: 'Address to bind (default 127.0.0.1; 0.0.0.0 for all interfaces).' },
  { name: 'SWITCHBOARD_DATA_DIR', meaning: 'Where the SQLite file and the generated encryption key live (default ./data).' },
  { name: 'DATABASE_URL', meaning: 'postgres://user@host:5432/db[?schema=name] for PostgreSQL, or sqlite:<path> (default <data dir>/switchboard.db).' },
  { name: 'SWITCHBOARD_ADMIN_KEY', meaning: 'An admin key to create at start-up, for automation; unset = one is generated and printed on first start.' },
  { name: 'SWITCHBOARD_SECRET_KEY', meaning: 'Secret (≥ 16 characters) that encrypts access tokens at rest; unset = generated into the data dir.' },
  { name: 'SWITCHBOARD_UPSTREAM_URL', meaning: 'Graph API base URL, e.g. https://graph.facebook.com; unset = the built-in simulator.' },
  { name: 'SWITCHBOARD_GRAPH_VERSION', meaning: 'Graph API version used upstream (default v21.0).' },
  { name: 'SWITCHBOARD_BATCH_MAX', meaning: 'Most recipients in one POST /v1/messages/batch (default 1000).' },
  { name: 'SWITCHBOARD_BODY_LIMIT', meaning: 'Largest JSON body in bytes (default 1048576).' },
  { name: 'SWITCHBOARD_MEDIA_UPLOADS_PER_ACCOUNT', meaning: 'Media uploads one account may have in progress at once; more are refused with 429 (default 2).' },
  { name: 'SWITCHBOARD_MEDIA_STORAGE_PER_ACCOUNT', meaning: 'Bytes of uploaded media one account may keep; an upload past it is refused with 413 (default 1073741824, 1 GiB).' },
  { name: 'SWITCHBOARD_AUTH_FAILURE_LIMIT', meaning: 'Wrong or revoked keys one client address may present per minute before it is refused with 429 (default 20).' },
  { name: 'SWITCHBOARD_AUTH_LOCKOUT_SECONDS', meaning: 'How long an address past the failure limit is refused, whatever key it presents (default 300).' },
  { name: 'SWITCHBOARD_LOG_LEVEL', meaning: 'pino level: fatal, error, warn, info (default), debug.' },
  { name: 'SWITCHBOARD_TRUST_PROXY', meaning: 'Trust X-Forwarded-For: true, a hop count, or proxy addresses (default false).' },
  { name: 'SWITCHBOARD_DEMO', meaning: 'Create a demo account and number on a fresh database (default true; false to skip).' },
  { name: 'SWITCHBOARD_META_APP_SECRET', meaning: 'The Meta app secret: Meta\u2019s webhooks to /webhooks/meta are verified with it (required with a real upstream).' },
  { name: 'SWITCHBOARD_META_VERIFY_TOKEN', meaning: 'The verify token to enter in the Meta app\u2019s webhook settings (required with a real upstream).' },
  { name: 'SWITCHBOARD_BACKGROUND', meaning: 'Where role all runs dispatch and webhooks: inline (default, this process) or process (a child process it starts, restarts and stops).' },
  { name: 'SWITCHBOARD_ROLE', meaning: 'What this process runs: api (HTTP only), worker (dispatch, webhooks, sync, pruning; probes only over HTTP) or all (default); `serve --role` wins.' },
  { name: 'SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE', meaning: 'Allow webhook endpoints on private and loopback addresses (default false).' },
  { name: 'SWITCHBOARD_WEBHOOK_BACKLOG_CAP', meaning: 'Undelivered webhook events per account before its sends are refused with 503 (default 100000).' },
  { name: 'SWITCHBOARD_MAX_DUE_MESSAGES', meaning: 'Messages accepted and due but not yet dispatched, across the gateway, before new sends are refused with 503 gateway_overloaded and Retry-After; scheduled messages count once due (default 20000; 0 = no bound).' },
  { name: 'SWITCHBOARD_MAX_PENDING_WEBHOOKS', meaning: 'Customer-webhook deliveries pending across the gateway before new sends are refused with 503 gateway_overloaded and Retry-After (default 500000; 0 = no bound).' },
  { name: 'SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE', meaning: 'Seconds before each webhook retry, comma-separated (default 0,5,300,1800,7200,18000,36000,36000).' },
  { name: 'SWITCHBOARD_WEBHOOK_DISABLE_AFTER', meaning: 'Seconds of failure with no success before an endpoint is disabled (default 432000, 5 days).' },
  { name: 'SWITCHBOARD_WEBHOOK_TIMEOUT_MS', meaning: 'Timeout of each wait of a webhook post in milliseconds: connecting, the answer\'s headers, reading its body (default 15000).' },
  { name: 'SWITCHBOARD_TEMPLATE_SYNC_SECONDS', meaning: 'How often templates and their review status are synced from the upstream (default 900; 0 = never).' },
  { name: 'SWITCHBOARD_CONTACT_CHECK_TTL_SECONDS', meaning: 'How long a contact check\u2019s answer is trusted (default 604800, 7 days).' },
  { name: 'SWITCHBOARD_SCHEDULE_HORIZON_SECONDS', meaning: 'How far ahead `send_at` may schedule a message (default 3024000, 35 days).' },
  { name: 'SWITCHBOARD_RECOVERY_GRACE_MS', meaning: 'After a crash or a lost answer, how long an interrupted send waits for Meta\u2019s status webhook before it is sent again (default 10000).' },
  { name: 'SWITCHBOARD_UPSTREAM_TIMEOUT_MS', meaning: 'How long a message send waits for Meta\u2019s answer before its outcome counts as unknown (default 15000).' },
  ...RETENTION_VARIABLES.map((v) => ({ name: v.name, meaning: `${v.meaning} (default ${DEFAULT_RETENTION[v.table] / v.unitMs}).` })),
  { name: 'SWITCHBOARD_PRUNE_BATCH', meaning: `Most rows one pruning statement removes (default ${DEFAULT_PRUNE_BATCH_ROWS}).` },
  { name: 'SWITCHBOARD_PRUNE_INTERVAL_SECONDS', meaning: `Seconds between pruning passes once caught up (default ${DEFAULT_PRUNE_INTERVAL_SECONDS}; 0 = never prune).` },
  { name: 'REDIS_URL', meaning: 'redis://host:6379 keeps the send pace and the request limits in Redis, shared by every gateway process; unset = each process counts alone (one process).' },
  { name: 'SWITCHBOARD_REDIS_PREFIX', meaning: 'Starts every Redis key of this deployment, so several can share one Redis (default switchboard:).' },
  { name: 'SWITCHBOARD_METRICS_PORT', meaning: 'Port of a second listener serving only Prometheus /metrics without a key (0 picks a free one); unset = /metrics only on the main port, for an admin key.' },
  { name: 'SWITCHBOARD_METRICS_HOST', meaning: 'Address the metrics listener binds (default 127.0.0.1: scrapers on this host only).' },
  { name: 'SWITCHBOARD_SMS_MAX_SEGMENTS', meaning: 'Most segments one SMS is split into; a longer text is refused (default 6).' },
  { name: 'SWITCHBOARD_SMS_SIMULATOR', meaning: 'With the built-in Cloud API simulator, also run the built-in SMSC simulator and a demo SMS connector (default true).' },
  { name: 'SWITCHBOARD_SMS_SIMULATOR_PORT', meaning: 'Port of the built-in SMSC simulator (default 0: any free port).' },
  { name: 'SWITCHBOARD_SMS_SYNC_SECONDS', meaning: 'Seconds between re-reads of the stored SMS connectors, for changes made through another process (default 10; 0 = never).' },
  { name: 'SWITCHBOARD_CONFIG', meaning: 'Optional YAML file with the same settings in camelCase (port, dataDir, batchMaxRecipients …); the environment wins.' },
];

const DEFAULTS: Config = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  databaseUrl: undefined,
  adminKey: undefined,
  secretKey: undefined,
  upstreamUrl: undefined,
  graphVersion: 'v21.0',
  batchMaxRecipients: 1000,
  bodyLimitBytes: 1024 * 1024,
  mediaLimitBytes: 100 * 1024 * 1024,
  mediaUploadsPerAccount: 2,
  mediaStorageBytesPerAccount: 1024 * 1024 * 1024,
  authFailureLimit: 20,
  authLockoutSeconds: 300,
  groupCommitMaxItems: 512,
  logLevel: 'info',
  trustProxy: false,
  demo: true,
  webhookAllowPrivate: false,
  webhookBacklogCap: 100_000,
  // About 15 s of one SQLite process's sustained dispatch and a minute of one PostgreSQL process's (docs/deployment.md).
  maxDueMessages: 20_000,
  // Five accounts' webhook backlog caps: the per-account cap is what stops one dead endpoint; this is the backstop.
  maxPendingWebhookDeliveries: 500_000,
  webhookRetrySchedule: [0, 5, 300, 1800, 7200, 18000, 36000, 36000],
  webhookDisableAfterSeconds: 5 * 24 * 3600,
  webhookTimeoutMs: 15_000,
  metaAppSecret: undefined,
  metaVerifyToken: undefined,
  role: 'all',
  background: 'inline',
  recoveryGraceMs: 10_000,
  upstreamTimeoutMs: 15_000,
  templateSyncSeconds: 900,
  contactCheckTtlSeconds: 7 * 24 * 3600,
  scheduleHorizonSeconds: 35 * 24 * 3600,
  retention: DEFAULT_RETENTION,
  pruneBatchRows: DEFAULT_PRUNE_BATCH_ROWS,
  pruneIntervalSeconds: DEFAULT_PRUNE_INTERVAL_SECONDS,
  redisUrl: undefined,
  redisPrefix: 'switchboard:',
  metricsPort: undefined,
  metricsHost: '127.0.0.1',
  smsMaxSegments: 6,
  smsSimulator: true,
  smsSimulatorPort: 0,
  smsSyncSeconds: 10,
};

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got "${value}")`);
  return n;
}

function flag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`${name} must be true or false (got "${value}")`);
}

/** A comma-separated list of non-negative seconds (fractions allowed), e.g. `0,5,300`. */
function seconds(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`${name} must be comma-separated seconds ≥ 0 (got "${value}")`);
  return list;
}

export function processRole(name: string, value: string | undefined): ProcessRole | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isProcessRole(value)) throw new Error(`${name} must be one of ${PROCESS_ROLES.join(', ')} (got "${value}")`);
  return value;
}

function backgroundPlacement(value: string | undefined): BackgroundPlacement | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isBackgroundPlacement(value)) throw new Error(`SWITCHBOARD_BACKGROUND must be one of ${BACKGROUND_PLACEMENTS.join(', ')} (got "${value}")`);
  return value;
}

function trustProxy(value: string | undefined): Config['trustProxy'] | undefined {
  if (value === undefined || value === '') return undefined;
  const asFlag = /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : undefined;
  if (asFlag !== undefined) return asFlag;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function retentionFromEnv(env: NodeJS.ProcessEnv): Partial<RetentionPolicy> {
  return definedOnly(Object.fromEntries(RETENTION_VARIABLES.map((v) => {
    const amount = integer(v.name, env[v.name], v.min);
    return [v.table, amount === undefined ? undefined : amount * v.unitMs];
  })));
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Environment over file over defaults. Throws with the variable's name when a value cannot be used. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile: Partial<Config> = env['SWITCHBOARD_CONFIG']
    ? ((parseYaml(readFileSync(resolve(env['SWITCHBOARD_CONFIG']), 'utf8')) as Partial<Config> | null) ?? {})
    : {};
  const unknown = Object.keys(fromFile).filter((k) => !(k in DEFAULTS));
  if (unknown.length > 0) throw new Error(`unknown setting(s) in ${env['SWITCHBOARD_CONFIG']}: ${unknown.join(', ')}`);
  const fromEnv: Partial<Config> = definedOnly({
    port: integer('PORT', env['PORT'], 0),
    host: env['HOST'] || undefined,
    dataDir: env['SWITCHBOARD_DATA_DIR'] || undefined,
    databaseUrl: env['DATABASE_URL'] || undefined,
    adminKey: env['SWITCHBOARD_ADMIN_KEY'] || undefined,
    secretKey: env['SWITCHBOARD_SECRET_KEY'] || undefined,
    upstreamUrl: env['SWITCHBOARD_UPSTREAM_URL'] || undefined,
    graphVersion: env['SWITCHBOARD_GRAPH_VERSION'] || undefined,
    batchMaxRecipients: integer('SWITCHBOARD_BATCH_MAX', env['SWITCHBOARD_BATCH_MAX'], 1),
    bodyLimitBytes: integer('SWITCHBOARD_BODY_LIMIT', env['SWITCHBOARD_BODY_LIMIT'], 1024),
    mediaUploadsPerAccount: integer('SWITCHBOARD_MEDIA_UPLOADS_PER_ACCOUNT', env['SWITCHBOARD_MEDIA_UPLOADS_PER_ACCOUNT'], 1),
    mediaStorageBytesPerAccount: integer('SWITCHBOARD_MEDIA_STORAGE_PER_ACCOUNT', env['SWITCHBOARD_MEDIA_STORAGE_PER_ACCOUNT'], 0),
    authFailureLimit: integer('SWITCHBOARD_AUTH_FAILURE_LIMIT', env['SWITCHBOARD_AUTH_FAILURE_LIMIT'], 1),
    authLockoutSeconds: integer('SWITCHBOARD_AUTH_LOCKOUT_SECONDS', env['SWITCHBOARD_AUTH_LOCKOUT_SECONDS'], 1),
    logLevel: env['SWITCHBOARD_LOG_LEVEL'] || undefined,
    trustProxy: trustProxy(env['SWITCHBOARD_TRUST_PROXY']),
    demo: flag('SWITCHBOARD_DEMO', env['SWITCHBOARD_DEMO']),
    webhookAllowPrivate: flag('SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE', env['SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE']),
    webhookBacklogCap: integer('SWITCHBOARD_WEBHOOK_BACKLOG_CAP', env['SWITCHBOARD_WEBHOOK_BACKLOG_CAP'], 1),
    maxDueMessages: integer('SWITCHBOARD_MAX_DUE_MESSAGES', env['SWITCHBOARD_MAX_DUE_MESSAGES'], 0),
    maxPendingWebhookDeliveries: integer('SWITCHBOARD_MAX_PENDING_WEBHOOKS', env['SWITCHBOARD_MAX_PENDING_WEBHOOKS'], 0),
    webhookRetrySchedule: seconds('SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE', env['SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE']),
    webhookDisableAfterSeconds: integer('SWITCHBOARD_WEBHOOK_DISABLE_AFTER', env['SWITCHBOARD_WEBHOOK_DISABLE_AFTER'], 1),
    webhookTimeoutMs: integer('SWITCHBOARD_WEBHOOK_TIMEOUT_MS', env['SWITCHBOARD_WEBHOOK_TIMEOUT_MS'], 100),
    metaAppSecret: env['SWITCHBOARD_META_APP_SECRET'] || undefined,
    metaVerifyToken: env['SWITCHBOARD_META_VERIFY_TOKEN'] || undefined,
    role: processRole('SWITCHBOARD_ROLE', env['SWITCHBOARD_ROLE']),
    background: backgroundPlacement(env['SWITCHBOARD_BACKGROUND']),
    recoveryGraceMs: integer('SWITCHBOARD_RECOVERY_GRACE_MS', env['SWITCHBOARD_RECOVERY_GRACE_MS'], 0),
    upstreamTimeoutMs: integer('SWITCHBOARD_UPSTREAM_TIMEOUT_MS', env['SWITCHBOARD_UPSTREAM_TIMEOUT_MS'], 100),
    templateSyncSeconds: integer('SWITCHBOARD_TEMPLATE_SYNC_SECONDS', env['SWITCHBOARD_TEMPLATE_SYNC_SECONDS'], 0),
    contactCheckTtlSeconds: integer('SWITCHBOARD_CONTACT_CHECK_TTL_SECONDS', env['SWITCHBOARD_CONTACT_CHECK_TTL_SECONDS'], 0),
    scheduleHorizonSeconds: integer('SWITCHBOARD_SCHEDULE_HORIZON_SECONDS', env['SWITCHBOARD_SCHEDULE_HORIZON_SECONDS'], 60),
    pruneBatchRows: integer('SWITCHBOARD_PRUNE_BATCH', env['SWITCHBOARD_PRUNE_BATCH'], 1),
    pruneIntervalSeconds: integer('SWITCHBOARD_PRUNE_INTERVAL_SECONDS', env['SWITCHBOARD_PRUNE_INTERVAL_SECONDS'], 0),
    redisUrl: env['REDIS_URL'] || undefined,
    redisPrefix: env['SWITCHBOARD_REDIS_PREFIX'] || undefined,
    metricsPort: integer('SWITCHBOARD_METRICS_PORT', env['SWITCHBOARD_METRICS_PORT'], 0),
    metricsHost: env['SWITCHBOARD_METRICS_HOST'] || undefined,
    smsMaxSegments: integer('SWITCHBOARD_SMS_MAX_SEGMENTS', env['SWITCHBOARD_SMS_MAX_SEGMENTS'], 1),
    smsSimulator: flag('SWITCHBOARD_SMS_SIMULATOR', env['SWITCHBOARD_SMS_SIMULATOR']),
    smsSimulatorPort: integer('SWITCHBOARD_SMS_SIMULATOR_PORT', env['SWITCHBOARD_SMS_SIMULATOR_PORT'], 0),
    smsSyncSeconds: integer('SWITCHBOARD_SMS_SYNC_SECONDS', env['SWITCHBOARD_SMS_SYNC_SECONDS'], 0),
  });
  // A file may set some tables only; the others keep their defaults.
  const retention = { ...DEFAULTS.retention, ...fromFile.retention, ...retentionFromEnv(env) };
  const config = { ...DEFAULTS, ...fromFile, ...fromEnv, retention };
  if (config.adminKey !== undefined && config.adminKey.length < 24)
    throw new Error('SWITCHBOARD_ADMIN_KEY must have at least 24 characters');
  processRole('role', config.role);
  return config;
}
