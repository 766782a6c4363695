/**
 * The dispatch loop of SMS jobs: claims them from the shared outbox (those queued on a connector), submits each
 * through its connector — whose submit gate keeps the connector's throughput and window — and settles the answer
 * through the same dispatch store and retry policy as a WhatsApp send. The SMS centre's ids are kept before the
 * message is settled as sent, so a receipt after a restart still finds it.
 */
import { SwitchboardError, gatewayError } from '../catalog/switchboard-error.js';
import { isSmsPayload } from '../app/sms-send.js';
import { hasExpired } from '../domain/delivery.js';
import type { RetryDecision, RetrySchedule } from '../domain/retry-policy.js';
import { segmentText } from '../domain/sms/segments.js';
import { smsMessageRef } from '../domain/sms/message-ref.js';
import { parseSenderId } from '../domain/sms/sender-id.js';
import { applyFailureDecision, decideAfterFailure } from '../dispatch/settle-outcome.js';
import { WorkLoop } from '../runtime/work-loop.js';
import type { DispatchQueue, DispatchStore, DispatchTask } from '../store/dispatch-store.js';
import type { SmsStore } from '../store/sms-store.js';
import type { ConnectorPool } from './connector-pool.js';
import type { OutgoingSms } from './smpp-connector.js';

export interface SmsDispatcherConfig {
  readonly owner: string;
  readonly leaseMs: number;
  /** Submits in flight at most, over all connectors (each connector's window bounds its own). */
  readonly maxInFlight: number;
  readonly idlePollMs: number;
  /** How long a job whose connector does not run in this process waits before it is looked at again. */
  readonly connectorAwayMs: number;
  readonly retry: RetrySchedule;
}

export interface SmsDispatcherDeps {
  readonly sms: Pick<SmsStore, 'claimSmsJobs' | 'recordSmsSubmits'>;
  readonly store: DispatchStore;
  readonly queue: Pick<DispatchQueue, 'release'>;
  readonly pool: Pick<ConnectorPool, 'connector'>;
  readonly now: () => number;
  readonly random: () => number;
  readonly config: SmsDispatcherConfig;
  readonly onError?: (error: unknown) => void;
}

/** A job's connector is the SMS side's number: a hold of the number means waiting for the connector, never holding others. */
function asSmsDecision(decision: RetryDecision, now: number, awayMs: number): RetryDecision {
  if (decision.kind === 'park-number') return { kind: 'retry', at: decision.until, slowDown: false };
  if (decision.kind === 'pause-number') return { kind: 'retry', at: now + awayMs, slowDown: false };
  return decision;
}

export class SmsDispatcher {
  private readonly loop: WorkLoop;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: SmsDispatcherDeps) {
    this.loop = new WorkLoop(() => this.tick(), { retryAfterErrorMs: deps.config.idlePollMs, onError: (error) => deps.onError?.(error) });
  }

  start(): void {
    this.loop.start();
  }

  nudge(): void {
    this.loop.schedule(0);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private async tick(): Promise<void> {
    const { config, sms, store, now } = this.deps;
    const room = config.maxInFlight - this.inFlight.size;
    if (room > 0) {
      const at = now();
      const jobs = await sms.claimSmsJobs({ owner: config.owner, now: at, leaseMs: config.leaseMs, limit: room });
      for (const task of await store.loadTasks(jobs, at)) this.track(this.send(task));
    }
    this.loop.schedule(config.idlePollMs);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.deps.onError?.(error)).finally(() => {
      this.inFlight.delete(tracked);
      this.loop.schedule(0);
    });
    this.inFlight.add(tracked);
  }

  private async send(task: DispatchTask): Promise<void> {
    const { store, config } = this.deps;
    const now = this.deps.now();
    if (task.wamid !== null) return this.settleSent(task, task.wamid);
    if (hasExpired(task.expiresAt, now)) return store.settleExpired(task, now);
    const connector = this.deps.pool.connector(task.numberId);
    if (connector === undefined) {
      // Another process runs it (or it is being restarted): the job waits, no attempt counted.
      await store.unclaimTasks([task], now);
      return this.deps.queue.release([task.jobId], now + config.connectorAwayMs);
    }
    const [mark] = await store.markCalls(config.owner, [task], now);
    if (mark?.kind === 'sent') return this.settleSent(task, mark.wamid);
    if (mark?.kind === 'expired') return store.settleExpired(task, now);
    if (mark?.kind !== 'call') return;
    try {
      const submitted = await connector.submit(outgoingOf(task));
      await this.deps.sms.recordSmsSubmits(task.messageId, submitted.connectorId, submitted.smscMessageIds, this.deps.now());
      const [first] = submitted.smscMessageIds;
      await this.settleSent(task, smsMessageRef(submitted.connectorId, first ?? ''));
    } catch (error) {
      if (!(error instanceof SwitchboardError)) throw error;
      await this.settleFailure(task, error);
    }
  }

  private async settleSent(task: DispatchTask, ref: string): Promise<void> {
    await this.deps.store.settleSent([{ task, wamid: ref, at: this.deps.now() }]);
  }

  private async settleFailure(task: DispatchTask, error: SwitchboardError): Promise<void> {
    const { config } = this.deps;
    const now = this.deps.now();
    const context = { task, error, now, schedule: config.retry, random: this.deps.random, recoveryGraceMs: config.connectorAwayMs };
    await applyFailureDecision(this.deps.store, context, asSmsDecision(decideAfterFailure(context), now, config.connectorAwayMs));
  }
}

/** The stored payload back into a submit; a payload that no longer reads as an SMS fails its message, never the loop. */
function outgoingOf(task: DispatchTask): OutgoingSms {
  const { payload } = task;
  const sender = isSmsPayload(payload) ? parseSenderId(payload.from) : undefined;
  if (!isSmsPayload(payload) || sender?.kind !== 'allow') {
    throw gatewayError('invalid_request', { detail: 'The stored SMS has no valid sender id or text.' });
  }
  return { from: sender.sender, to: task.to, segmentation: segmentText(payload.text.body) };
}
