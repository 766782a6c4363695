/**
 * One SMPP connector: a transceiver bind to an SMS centre that stays up (enquire_link keep-alive, reconnect with
 * backoff), submits segments through its gate (window and throughput), retries a throttled submit after a growing
 * pause, and surfaces each delivery receipt as a typed outcome. It keeps no message state: the caller maps outcomes.
 */
import smpp, { type Pdu, type Session } from 'smpp';
import { gatewayError, SwitchboardError } from '../catalog/switchboard-error.js';
import { normalizeSmppStatus } from '../catalog/normalize/smpp-status.js';
import { receiptOutcome, type DeliveryReceipt, type ReceiptOutcome } from '../domain/sms/receipt.js';
import type { SenderId } from '../domain/sms/sender-id.js';
import type { SmsSegmentation } from '../domain/sms/segments.js';
import { DEFAULT_RECONNECT_BACKOFF, reconnectDelayMs, type ReconnectBackoff } from './reconnect-backoff.js';
import {
  concatenationHeader, DATA_CODING, encodeSegment, NPI, REGISTERED_DELIVERY_FINAL, SMPP_STATUS, TON,
} from './smpp-wire.js';
import { SubmitGate } from './submit-gate.js';
import { receiptOfDeliver } from './deliver-receipt.js';

export const BIND_STATES = ['connecting', 'bound', 'down', 'refused', 'stopped'] as const;
export type BindState = (typeof BIND_STATES)[number];

export interface SmppConnectorConfig {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  /** Submits per second at most (each segment is one submit). */
  readonly throughputPerSecond: number;
  /** Submits awaiting their answer at most. */
  readonly window: number;
}

export interface SmppConnectorTiming {
  readonly enquireLinkMs: number;
  /** How long a submit or an enquire_link may wait for its answer before the bind is presumed dead. */
  readonly responseTimeoutMs: number;
  /** How long a submit waits for the connector to be bound before it fails with smsc_unavailable. */
  readonly bindWaitMs: number;
  readonly reconnect: ReconnectBackoff;
  /** First pause after ESME_RTHROTTLED; it doubles while the centre keeps throttling. */
  readonly throttleBackoffMs: number;
  readonly maxThrottleRetries: number;
}

export const DEFAULT_TIMING: SmppConnectorTiming = {
  enquireLinkMs: 30_000, responseTimeoutMs: 10_000, bindWaitMs: 5_000, reconnect: DEFAULT_RECONNECT_BACKOFF,
  throttleBackoffMs: 200, maxThrottleRetries: 8,
};

export interface OutgoingSms {
  readonly from: SenderId;
  readonly to: string;
  readonly segmentation: SmsSegmentation;
}

/** What the SMS centre answered for each segment, in order: its message id, by which receipts name it. */
export interface SubmittedSms {
  readonly connectorId: string;
  readonly smscMessageIds: readonly string[];
}

export interface ReceiptEvent {
  readonly connectorId: string;
  readonly receipt: DeliveryReceipt;
  readonly outcome: ReceiptOutcome;
}

export type SubmitOutcome = 'accepted' | 'throttled' | 'refused' | 'unavailable';

/** What the connector reports as it works: the caller connects these to message states and metrics. */
export interface ConnectorObserver {
  onReceipt(event: ReceiptEvent): void;
  onBindState?(connectorId: string, state: BindState): void;
  onSubmit?(connectorId: string, outcome: SubmitOutcome): void;
}

export interface ConnectorDeps {
  readonly observer: ConnectorObserver;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly timing?: Partial<SmppConnectorTiming>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const UNBIND_WAIT_MS = 1000;

/** Destroys the session's socket and resolves once it is closed (at once when it already was). */
function closed(session: Session): Promise<void> {
  return new Promise((resolve) => {
    if (session.socket.destroyed) return resolve();
    session.socket.once('close', () => resolve());
    session.destroy();
  });
}

/** The same error, saying which segments of the SMS the centre had already accepted. */
function withSentSegments(error: SwitchboardError, smscMessageIds: readonly string[]): SwitchboardError {
  return new SwitchboardError(error.entry, {
    ...(error.detail === undefined ? {} : { detail: `${error.detail} ${smscMessageIds.length} earlier segment(s) were accepted.` }),
    ...(error.upstream === undefined ? {} : { upstream: error.upstream }),
    extensions: { ...error.extensions, sent_segments: smscMessageIds.length, smsc_message_ids: [...smscMessageIds] },
    cause: error,
  });
}

export class SmppConnector {
  private session: Session | undefined;
  private currentState: BindState = 'down';
  private failedAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private readonly gate: SubmitGate;
  private readonly timing: SmppConnectorTiming;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly boundWaiters = new Set<() => void>();
  /** Requests awaiting their answer on the current session: a lost connection answers them all with nothing. */
  private readonly awaiting = new Set<(pdu: Pdu | undefined) => void>();
  private concatenationReference = 0;
  private lastRefusal: SwitchboardError | undefined;

  constructor(readonly config: SmppConnectorConfig, private readonly deps: ConnectorDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.gate = new SubmitGate({ window: config.window, perSecond: config.throughputPerSecond, now: this.now });
  }

  get state(): BindState {
    return this.currentState;
  }

  /** Why the last bind was refused, while the state is `refused`. */
  get refusal(): SwitchboardError | undefined {
    return this.currentState === 'refused' ? this.lastRefusal : undefined;
  }

  start(): void {
    if (this.currentState === 'stopped' || this.session !== undefined) return;
    this.connect();
  }

  async stop(): Promise<void> {
    this.setState('stopped');
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepAliveTimer);
    this.gate.close();
    const session = this.session;
    this.session = undefined;
    for (const wake of this.boundWaiters) wake();
    for (const settle of [...this.awaiting]) settle(undefined);
    if (session === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, UNBIND_WAIT_MS);
      const sent = session.unbind({}, () => {
        clearTimeout(timer);
        resolve();
      });
      if (!sent) {
        clearTimeout(timer);
        resolve();
      }
    });
    await closed(session);
  }

  /** Submits every segment; rejects with a SwitchboardError (smsc_unavailable, smsc_throttled or the status's entry). */
  async submit(sms: OutgoingSms): Promise<SubmittedSms> {
    const { segments, encoding } = sms.segmentation;
    this.concatenationReference = (this.concatenationReference + 1) % 256;
    const reference = this.concatenationReference;
    const ids: string[] = [];
    for (const [i, text] of segments.entries()) {
      const body = encodeSegment(text, encoding);
      const shortMessage = segments.length === 1 ? body : { udh: concatenationHeader(reference, segments.length, i + 1), message: body };
      ids.push(await this.submitSegment(ids, {
        source_addr_ton: sms.from.kind === 'alphanumeric' ? TON.alphanumeric : TON.international,
        source_addr_npi: sms.from.kind === 'alphanumeric' ? NPI.unknown : NPI.isdn,
        source_addr: sms.from.value,
        dest_addr_ton: TON.international, dest_addr_npi: NPI.isdn, destination_addr: sms.to.replace(/^\+/, ''),
        registered_delivery: REGISTERED_DELIVERY_FINAL, data_coding: DATA_CODING[encoding], short_message: shortMessage,
      }));
    }
    return { connectorId: this.config.id, smscMessageIds: ids };
  }

  /** `sentBefore`: the SMSC message ids of this SMS's earlier segments, named on a failure so that they can be billed. */
  private async submitSegment(sentBefore: readonly string[], fields: Readonly<Record<string, unknown>>): Promise<string> {
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.submitOnce(fields);
      if (answer.kind === 'accepted') return answer.messageId;
      const retryable = answer.error.entry.code === 'smsc_throttled' && attempt < this.timing.maxThrottleRetries;
      if (!retryable) throw sentBefore.length === 0 ? answer.error : withSentSegments(answer.error, sentBefore);
      await sleep(this.timing.throttleBackoffMs * 2 ** attempt);
    }
  }

  private async submitOnce(fields: Readonly<Record<string, unknown>>): Promise<{ kind: 'accepted'; messageId: string } | { kind: 'failed'; error: SwitchboardError }> {
    const session = await this.boundSession();
    if (session === undefined) return this.failed('unavailable', this.unavailable('is not bound to its SMS centre'));
    await this.gate.acquire();
    try {
      if (this.session !== session || this.currentState !== 'bound') return this.failed('unavailable', this.unavailable('lost its bind before the submit went out'));
      const pdu = await this.request(session, 'submit_sm', fields);
      if (pdu === undefined) return this.failed('unavailable', this.unavailable('got no answer to a submit (it may have been accepted)'));
      if (pdu.command_status !== SMPP_STATUS.ok) {
        const error = normalizeSmppStatus(pdu.command_status, 'submit_sm');
        return this.failed(error.entry.code === 'smsc_throttled' ? 'throttled' : 'refused', error);
      }
      this.deps.observer.onSubmit?.(this.config.id, 'accepted');
      return { kind: 'accepted', messageId: String(pdu.message_id ?? '') };
    } finally {
      this.gate.release();
    }
  }

  private failed(outcome: SubmitOutcome, error: SwitchboardError): { kind: 'failed'; error: SwitchboardError } {
    this.deps.observer.onSubmit?.(this.config.id, outcome);
    return { kind: 'failed', error };
  }

  private unavailable(what: string): SwitchboardError {
    return gatewayError('smsc_unavailable', { detail: `Connector ${this.config.id} ${what}.` });
  }

  /** The bound session, waiting up to bindWaitMs for a bind; undefined when none came. */
  private async boundSession(): Promise<Session | undefined> {
    if (this.currentState === 'bound') return this.session;
    if (this.currentState === 'stopped') return undefined;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.boundWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.timing.bindWaitMs);
      this.boundWaiters.add(done);
    });
    return this.state === 'bound' ? this.session : undefined;
  }

  /** Sends a request and resolves with its answer, or undefined when the bind is lost or the answer is late. */
  private request(session: Session, command: 'submit_sm' | 'enquire_link' | 'bind_transceiver', fields: Readonly<Record<string, unknown>>): Promise<Pdu | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (pdu: Pdu | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.awaiting.delete(settle);
        resolve(pdu);
      };
      const timer = setTimeout(() => settle(undefined), this.timing.responseTimeoutMs);
      if (this.session !== session) return settle(undefined);
      this.awaiting.add(settle);
      if (!session[command](fields, settle)) settle(undefined);
    });
  }

  private setState(state: BindState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.deps.observer.onBindState?.(this.config.id, state);
    if (state === 'bound') for (const wake of [...this.boundWaiters]) wake();
  }

  private connect(): void {
    this.setState('connecting');
    const session = smpp.connect({ host: this.config.host, port: this.config.port });
    this.session = session;
    session.on('error', () => undefined); // 'close' follows every error; that is where the connector reacts.
    session.on('close', () => this.onClosed(session));
    session.on('deliver_sm', (pdu: Pdu) => this.onDeliver(session, pdu));
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      session.destroy();
    });
    session.once('connect', () => void this.bind(session));
  }

  private async bind(session: Session): Promise<void> {
    const pdu = await this.request(session, 'bind_transceiver', {
      system_id: this.config.systemId, password: this.config.password, system_type: this.config.systemType, interface_version: 0x34,
    });
    if (this.session !== session) return;
    if (pdu === undefined || pdu.command_status !== SMPP_STATUS.ok) {
      if (pdu !== undefined) {
        this.lastRefusal = normalizeSmppStatus(pdu.command_status, 'bind_transceiver');
        this.setState('refused');
      }
      session.destroy();
      return;
    }
    this.failedAttempts = 0;
    this.setState('bound');
    this.keepAliveTimer = setInterval(() => void this.keepAlive(session), this.timing.enquireLinkMs);
  }

  private async keepAlive(session: Session): Promise<void> {
    const pdu = await this.request(session, 'enquire_link', {});
    if (pdu === undefined && this.session === session) session.destroy();
  }

  private onClosed(session: Session): void {
    if (this.session !== session) return;
    clearInterval(this.keepAliveTimer);
    this.session = undefined;
    for (const settle of [...this.awaiting]) settle(undefined);
    if (this.currentState === 'stopped') return;
    if (this.currentState !== 'refused') this.setState('down');
    const delay = reconnectDelayMs(this.timing.reconnect, this.failedAttempts, this.random());
    this.failedAttempts += 1;
    this.reconnectTimer = setTimeout(() => {
      if (this.currentState !== 'stopped') this.connect();
    }, delay);
  }

  private onDeliver(session: Session, pdu: Pdu): void {
    session.send(pdu.response());
    // Inbound SMS (no receipt bit) are not handled by this channel yet.
    const receipt = receiptOfDeliver(pdu);
    if (receipt !== undefined) this.deps.observer.onReceipt({ connectorId: this.config.id, receipt, outcome: receiptOutcome(receipt) });
  }
}
