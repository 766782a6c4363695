/**
 * Every Prometheus metric of a gateway process, defined once: name, help, labels and buckets, and one named method per
 * thing the instrumented code reports. docs/observability.md and the tests read the definitions from here.
 *
 * Counters and histograms count what this process did, so a sum over processes never counts anything twice. Gauges
 * read from the shared store at scrape time are the same in every process: aggregate those with max(), never sum().
 * Label values are ids of our own (`num_…`, `ep_…`), catalog codes, closed sets and upstream hosts: never a recipient's
 * number, a message id or free text.
 */
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PartnerMetrics } from '../runtime/partner-link.js';
import type { CatalogEntry } from '../catalog/entry.js';
import type { BacklogKind } from '../domain/backpressure.js';
import type { MessageState } from '../domain/message-state.js';
import type { GaugeStore, QueueReadings } from '../store/gauge-store.js';

/** What became of one upstream call: the message was sent, or the dispatcher's decision on the error it got. */
export type UpstreamCallOutcome = 'sent' | 'retry' | 'fail' | 'park-number' | 'pause-number';
/** Why a send waited for its permit: its number's pace, its recipient pair's pace, or the shared limits did not answer. */
export type PermitWaitReason = 'number' | 'pair' | 'unavailable';
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'failed';
/** The statuses a message reaches after it was accepted. */
export type ReachedStatus = Extract<MessageState, 'sent' | 'delivered' | 'read' | 'failed'>;

/** What became of one submit_sm (see sms/smpp-connector.ts). */
export type SmsSubmitOutcome = 'accepted' | 'throttled' | 'refused' | 'unavailable';

/** One enabled SMS connector's bind, as the gauge reads it. */
export interface SmsConnectorReading {
  readonly connector: string;
  readonly bound: boolean;
}

export interface CircuitReading {
  readonly host: string;
  readonly open: boolean;
}

/** Shortest time between two reads of the shared queues, however often the metrics are scraped. */
export const QUEUE_READING_CACHE_MS = 1_000;

const FAST_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const CALL_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SAME_IN_EVERY_PROCESS = 'Read from the shared store at scrape time, so the same in every process: aggregate with max(), not sum().';

export class GatewayMetrics {
  readonly registry: Registry;
  private readonly accepted: Counter<'number'>;
  private readonly statuses: Counter<'number' | 'status'>;
  private readonly failures: Counter<'namespace' | 'code'>;
  private readonly refusals: Counter<'code'>;
  private readonly overloadRefusals: Counter<'backlog'>;
  private readonly upstreamCalls: Counter<'outcome' | 'retry_class'>;
  private readonly upstreamSeconds: Histogram<'outcome'>;
  private readonly permitWaits: Counter<'limited_by'>;
  private readonly metaReceived: Counter;
  private readonly metaApplied: Counter;
  private readonly webhookAttempts: Counter<'outcome'>;
  private readonly webhookSeconds: Histogram<'outcome'>;
  private readonly acceptCommitSeconds: Histogram;
  private readonly smsSubmits: Counter<'connector' | 'outcome'>;
  private readonly smsReceipts: Counter<'connector' | 'stat'>;
  private smsConnectors: () => readonly SmsConnectorReading[] = () => [];
  private queues: GaugeStore | undefined;
  private queueReading: { readonly at: number; readonly readings: Promise<QueueReadings> } | undefined;
  private circuits: () => readonly CircuitReading[] = () => [];
  private partner: (() => Promise<PartnerMetrics>) | undefined;
  /** What `/metrics` serves: this process's registry, summed with its background process's when it has one. */
  readonly exposition: Pick<Registry, 'contentType' | 'metrics'>;

  constructor(private readonly now: () => number = Date.now) {
    const registers = [(this.registry = new Registry())];
    this.exposition = { contentType: this.registry.contentType, metrics: async () => (await this.view()).metrics() };
    this.accepted = new Counter({ name: 'switchboard_messages_accepted_total', help: 'Messages this process accepted (stored with their outbox job), by sending number.', labelNames: ['number'], registers });
    this.statuses = new Counter({
      name: 'switchboard_message_status_total', labelNames: ['number', 'status'], registers,
      help: 'Messages this process moved to sent, delivered, read or failed (dispatch answers and applied Meta status webhooks), by sending number and status.',
    });
    this.failures = new Counter({ name: 'switchboard_message_failures_total', help: 'Messages this process moved to failed, by the catalog entry of their error.', labelNames: ['namespace', 'code'], registers });
    this.refusals = new Counter({
      name: 'switchboard_preflight_refusals_total', labelNames: ['code'], registers,
      help: 'Sends this process refused before they cost an upstream request (preflight rules, and the credit and counted limits of the accept transaction), by catalog code.',
    });
    this.overloadRefusals = new Counter({
      name: 'switchboard_send_overload_refusals_total', labelNames: ['backlog'], registers,
      help: 'Send requests this process refused with 503 gateway_overloaded (back-pressure), by the backlog over its bound: dispatch or webhooks.',
    });
    this.upstreamCalls = new Counter({
      name: 'switchboard_upstream_calls_total', labelNames: ['outcome', 'retry_class'], registers,
      help: 'Message sends this process made upstream, by what followed (sent, retry, fail, park-number, pause-number) and the retry class of the error (none when sent).',
    });
    this.upstreamSeconds = new Histogram({ name: 'switchboard_upstream_call_duration_seconds', help: 'Time from a message send to the upstream\u2019s answer (or its timeout), by outcome.', labelNames: ['outcome'], buckets: CALL_SECONDS, registers });
    this.permitWaits = new Counter({
      name: 'switchboard_rate_permit_waits_total', labelNames: ['limited_by'], registers,
      help: 'Times a send of this process had to wait for its permit: its number\u2019s pace, its recipient pair\u2019s pace, or shared limits that did not answer.',
    });
    this.metaReceived = new Counter({ name: 'switchboard_meta_webhooks_received_total', help: 'Meta webhook deliveries this process verified and stored.', registers });
    this.metaApplied = new Counter({ name: 'switchboard_meta_webhooks_applied_total', help: 'Stored Meta webhook deliveries this process applied (statuses, customer messages, template changes).', registers });
    this.webhookAttempts = new Counter({ name: 'switchboard_customer_webhook_attempts_total', help: 'Customer webhook posts this process made, by outcome (delivered, retry, failed).', labelNames: ['outcome'], registers });
    this.webhookSeconds = new Histogram({ name: 'switchboard_customer_webhook_duration_seconds', help: 'Time a customer webhook post took until its answer (or its failure), by outcome.', labelNames: ['outcome'], buckets: CALL_SECONDS, registers });
    this.acceptCommitSeconds = new Histogram({ name: 'switchboard_store_accept_commit_duration_seconds', help: 'Time from handing accepted sends to the store until their commit is durable.', buckets: FAST_SECONDS, registers });
    // The collectors are called with the gauge as `this`; these reach the readings.
    const readQueues = () => this.readQueues();
    const circuits = () => this.circuits();
    new Gauge({
      name: 'switchboard_dispatch_queue_depth', labelNames: ['number'], registers,
      help: `Outbox jobs waiting to be sent (due or not), by sending number. ${SAME_IN_EVERY_PROCESS}`,
      async collect() {
        this.reset();
        for (const queue of (await readQueues()).outbox) this.set({ number: queue.numberId }, queue.jobs);
      },
    });
    new Gauge({
      name: 'switchboard_dispatch_oldest_due_age_seconds', labelNames: ['number'], registers,
      help: `How long the longest-waiting due outbox job of each number has been due (0 when none is due). ${SAME_IN_EVERY_PROCESS}`,
      async collect() {
        this.reset();
        const at = now();
        for (const queue of (await readQueues()).outbox)
          this.set({ number: queue.numberId }, queue.oldestDueAt === null ? 0 : Math.max(0, at - queue.oldestDueAt) / 1000);
      },
    });
    new Gauge({
      name: 'switchboard_customer_webhook_backlog', labelNames: ['endpoint'], registers,
      help: `Customer webhook deliveries pending (not yet delivered nor failed), by endpoint. ${SAME_IN_EVERY_PROCESS}`,
      async collect() {
        this.reset();
        for (const backlog of (await readQueues()).webhookBacklog) this.set({ endpoint: backlog.endpointId }, backlog.pending);
      },
    });
    new Gauge({
      name: 'switchboard_upstream_circuit_open', labelNames: ['host'], registers,
      help: 'This process\u2019s circuit breaker per upstream host: 1 open (only probes go out), 0 closed.',
      collect() {
        this.reset();
        for (const circuit of circuits()) this.set({ host: circuit.host }, circuit.open ? 1 : 0);
      },
    });
    this.smsSubmits = new Counter({
      name: 'switchboard_sms_submits_total', labelNames: ['connector', 'outcome'], registers,
      help: 'submit_sm this process made, by SMS connector and outcome: accepted, throttled (ESME_RTHROTTLED or a full queue), refused (another error status), unavailable (no bind or no answer).',
    });
    this.smsReceipts = new Counter({ name: 'switchboard_sms_receipts_total', help: 'Delivery receipts this process received, by SMS connector and receipt stat (DELIVRD, UNDELIV, EXPIRED …).', labelNames: ['connector', 'stat'], registers });
    const smsConnectors = () => this.smsConnectors();
    new Gauge({
      name: 'switchboard_sms_connector_bound', labelNames: ['connector'], registers,
      help: 'This process\u2019s bind to the SMS centre per enabled SMS connector: 1 bound, 0 connecting, down or refused.',
      collect() {
        this.reset();
        for (const reading of smsConnectors()) this.set({ connector: reading.connector }, reading.bound ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Where the queue gauges read; without it they are empty (a process with no store to watch). */
  watchQueues(store: GaugeStore): void {
    this.queues = store;
  }

  /**
   * The background process this one started: its counters add to this process's (each counts what its own process did,
   * so the sum counts nothing twice); it reads no store gauges (see main.ts), so those are not doubled either.
   */
  joinPartner(read: () => Promise<PartnerMetrics>): void {
    this.partner = read;
  }

  /** This process's metrics and its partner's, merged the way a scraper summing over processes would see them. */
  async view(): Promise<Registry> {
    if (!this.partner) return this.registry;
    const [own, theirs] = await Promise.all([this.registry.getMetricsAsJSON(), this.partner()]);
    return AggregatorRegistry.aggregate([own, theirs]);
  }

  /** Where the circuit gauge reads: the dispatcher's breakers. */
  watchCircuits(read: () => readonly CircuitReading[]): void {
    this.circuits = read;
  }

  /** Where the SMS bind gauge reads: the connector pool. */
  watchSmsConnectors(read: () => readonly SmsConnectorReading[]): void {
    this.smsConnectors = read;
  }

  smsSubmit(connectorId: string, outcome: SmsSubmitOutcome): void {
    this.smsSubmits.inc({ connector: connectorId, outcome });
  }

  smsReceipt(connectorId: string, stat: string): void {
    this.smsReceipts.inc({ connector: connectorId, stat });
  }

  messageAccepted(numberId: string): void {
    this.accepted.inc({ number: numberId });
  }

  statusReached(numberId: string, status: ReachedStatus): void {
    this.statuses.inc({ number: numberId, status });
  }

  messageFailed(entry: Pick<CatalogEntry, 'namespace' | 'code'>): void {
    this.failures.inc({ namespace: entry.namespace, code: String(entry.code) });
  }

  preflightRefused(entry: Pick<CatalogEntry, 'code'>): void {
    this.refusals.inc({ code: String(entry.code) });
  }

  sendRefusedOverloaded(backlog: BacklogKind): void {
    this.overloadRefusals.inc({ backlog });
  }

  upstreamCall(outcome: UpstreamCallOutcome, retryClass: string, seconds: number): void {
    this.upstreamCalls.inc({ outcome, retry_class: retryClass });
    this.upstreamSeconds.observe({ outcome }, seconds);
  }

  permitWait(limitedBy: PermitWaitReason): void {
    this.permitWaits.inc({ limited_by: limitedBy });
  }

  metaWebhookReceived(): void {
    this.metaReceived.inc();
  }

  metaWebhooksApplied(count: number): void {
    this.metaApplied.inc(count);
  }

  customerWebhookAttempt(outcome: WebhookAttemptOutcome, seconds: number): void {
    this.webhookAttempts.inc({ outcome });
    this.webhookSeconds.observe({ outcome }, seconds);
  }

  acceptCommitted(seconds: number): void {
    this.acceptCommitSeconds.observe(seconds);
  }

  /** One read of the store serves every queue gauge of a scrape, and every scrape within the cache period. */
  private readQueues(): Promise<QueueReadings> {
    const now = this.now();
    if (!this.queues) return Promise.resolve({ outbox: [], webhookBacklog: [] });
    if (this.queueReading && now - this.queueReading.at < QUEUE_READING_CACHE_MS) return this.queueReading.readings;
    const readings = this.queues.readQueues(now);
    // A failed read is not cached: the next scrape asks again.
    readings.catch(() => { this.queueReading = undefined; });
    this.queueReading = { at: now, readings };
    return readings;
  }
}
