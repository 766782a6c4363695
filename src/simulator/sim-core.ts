/** One running simulator's parts in one place: options with defaults, state, clock, PRNG streams, faults, outage, request log, webhooks. */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Fault, Outage } from './faults.js';
import { seededRandom, randomToken, type Random } from './prng.js';
import { SimState, type PhoneNumber } from './state.js';
import { DEFAULT_MPS } from './rules/throughput.js';
import { META_PAIR_RATE, type PairRate } from './rules/pair-rate.js';
import type { RecordedRequest, SimulatorOptions } from './types.js';
import { WebhookSender } from './webhook-sender.js';
import type { NumberRef } from './webhook-payload.js';

export interface ResolvedDelays {
  readonly sent: number;
  readonly delivered: number;
  /** Negative: never read. */
  readonly read: number;
}

export const DEFAULT_STATUS_DELAYS: ResolvedDelays = { sent: 0, delivered: 50, read: 100 };

export class SimCore {
  readonly clock: Clock;
  /** Ids and trace ids draw from one stream, faults from another, so adding an id never shifts which faults fire. */
  readonly idRandom: Random;
  readonly faultRandom: Random;
  readonly state: SimState;
  readonly webhooks: WebhookSender;
  readonly delays: ResolvedDelays;
  readonly defaultMps: number;
  readonly pairRate: PairRate;
  readonly recordLimit: number;
  /** Graph calls per hour for the app (code 4); unlimited unless set. */
  appCallsPerHour: number;
  readonly managementCallsPerHour: number | undefined;
  faults: Fault[] = [];
  outage: Outage | undefined;
  private records: RecordedRequest[] = [];
  private recordStart = 0;
  private faultSeq = 0;

  constructor(options: SimulatorOptions) {
    const seed = options.seed ?? 1;
    this.clock = options.clock ?? systemClock;
    this.idRandom = seededRandom(seed);
    this.faultRandom = seededRandom(seed ^ 0x9e3779b9);
    this.state = new SimState(this.idRandom);
    this.webhooks = new WebhookSender({
      ...(options.webhookRetryDelaysMs === undefined ? {} : { retryDelaysMs: options.webhookRetryDelaysMs }),
      ...(options.webhookBatchMax === undefined ? {} : { batchMax: options.webhookBatchMax }),
    });
    const sent = options.statusDelaysMs?.sent ?? DEFAULT_STATUS_DELAYS.sent;
    const delivered = Math.max(sent, options.statusDelaysMs?.delivered ?? DEFAULT_STATUS_DELAYS.delivered);
    const read = options.statusDelaysMs?.read ?? DEFAULT_STATUS_DELAYS.read;
    this.delays = { sent, delivered, read: read < 0 ? -1 : Math.max(delivered, read) };
    this.defaultMps = options.defaultThroughputMps ?? DEFAULT_MPS;
    this.pairRate = options.pairRate ?? META_PAIR_RATE;
    this.recordLimit = options.recordLimit ?? 10_000;
    this.appCallsPerHour = options.appCallsPerHour ?? Infinity;
    this.managementCallsPerHour = options.managementCallsPerHour;
    if (options.webhookUrl !== undefined) {
      this.webhooks.configure({
        url: options.webhookUrl,
        appSecret: options.appSecret ?? '',
        ...(options.verifyToken === undefined ? {} : { verifyToken: options.verifyToken }),
      });
    }
  }

  traceId(): string {
    return `A${randomToken(this.idRandom, 22)}`;
  }

  nextFaultId(): string {
    return `fault_${++this.faultSeq}`;
  }

  numberRef(number: PhoneNumber): NumberRef {
    return { wabaId: number.wabaId, phoneNumberId: number.phoneNumberId, displayPhoneNumber: number.displayPhoneNumber };
  }

  /** Seconds since the epoch as a string, as Meta stamps webhooks. */
  timestamp(offsetMs = 0): string {
    return String(Math.floor((this.clock.now() + offsetMs) / 1000));
  }

  /** A ring buffer, so that a long run under load keeps memory flat. */
  record(request: RecordedRequest): void {
    if (this.records.length < this.recordLimit) {
      this.records.push(request);
      return;
    }
    this.records[this.recordStart] = request;
    this.recordStart = (this.recordStart + 1) % this.recordLimit;
  }

  requests(): RecordedRequest[] {
    return [...this.records.slice(this.recordStart), ...this.records.slice(0, this.recordStart)];
  }

  clearRequests(): void {
    this.records = [];
    this.recordStart = 0;
  }
}
