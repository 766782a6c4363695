/** Builds customer-webhook delivery from the configuration: the HTTP sender, the worker, and what buildApp needs of them. */
import { randomBytes } from 'node:crypto';
import { DEFAULT_DELIVERY_WORKER_CONFIG, DeliveryWorker, type DeliveryWorkerConfig, type DeliveryWorkerDeps } from './delivery-worker.js';
import { ThreadedWebhookSender } from './threaded-sender.js';
import type { WebhookSender } from './webhook-sender.js';
import type { Store } from '../../store/store.js';
import type { GatewayMetrics } from '../../observability/metrics.js';

export interface WebhookDeliverySettings {
  readonly webhookAllowPrivate: boolean;
  readonly webhookBacklogCap: number;
  readonly webhookRetrySchedule: readonly number[];
  readonly webhookDisableAfterSeconds: number;
  readonly webhookTimeoutMs: number;
}

export interface WebhookDelivery {
  readonly worker: DeliveryWorker;
  readonly sender: WebhookSender;
  /** For buildApp's `webhooks` option. */
  readonly appOptions: { allowPrivate: boolean; backlogCap: number; sender: WebhookSender; onReplay: () => void };
  start(log?: DeliveryWorkerDeps['log']): Promise<void>;
  stop(): Promise<void>;
}

export function createWebhookDelivery(
  { webhooks: store, webhookQueue: queue, wakeUps }: Pick<Store, 'webhooks' | 'webhookQueue' | 'wakeUps'>,
  settings: WebhookDeliverySettings,
  options: { now: () => number; worker?: Partial<DeliveryWorkerConfig>; metrics?: GatewayMetrics },
): WebhookDelivery {
  const config: DeliveryWorkerConfig = {
    ...DEFAULT_DELIVERY_WORKER_CONFIG,
    owner: `webhooks-${process.pid}-${randomBytes(3).toString('hex')}`,
    schedule: { retriesMs: settings.webhookRetrySchedule.map((s) => s * 1000), disableAfterMs: settings.webhookDisableAfterSeconds * 1000 },
    ...options.worker,
  };
  const sender = new ThreadedWebhookSender({ timeoutMs: settings.webhookTimeoutMs, connectionsPerOrigin: config.perEndpointConcurrency, allowPrivate: settings.webhookAllowPrivate });
  let log: DeliveryWorkerDeps['log'];
  const worker = new DeliveryWorker({ store, queue, sender, now: options.now, random: Math.random, config, log: (...args) => log?.(...args), ...(options.metrics ? { metrics: options.metrics } : {}) });
  let started = false;
  wakeUps.on('events', () => worker.nudge());
  return {
    worker,
    sender,
    appOptions: { allowPrivate: settings.webhookAllowPrivate, backlogCap: settings.webhookBacklogCap, sender, onReplay: () => wakeUps.signal('events') },
    async start(logTo) {
      log = logTo;
      started = true;
      await worker.start();
    },
    async stop() {
      if (started) await worker.stop();
      started = false;
      await sender.close();
    },
  };
}
