/**
 * The failover worker: looks at failovers whose WhatsApp message was decided or whose wait ran out, and either ends
 * them unused or plans their SMS (the account's rules as they are now: sender id, route, price, opt-out) and has the
 * store queue it once.
 */
import { SwitchboardError, gatewayError } from '../catalog/switchboard-error.js';
import { decideFailover } from '../domain/failover.js';
import { checkOptOut } from '../domain/preflight/opt-out.js';
import { WorkLoop } from '../runtime/work-loop.js';
import type { FailoverSms, PendingFailover } from '../store/failover-store.js';
import type { Store } from '../store/store.js';
import { planAccountSms, smsMessageOf } from './sms-send.js';

export interface FailoverWorkerDeps {
  readonly store: Store;
  readonly now: () => number;
  readonly maxSegments: number;
  readonly pollMs: number;
  /** An SMS was queued or a failover event written: wake the SMS dispatcher and customer webhooks. */
  readonly onChanged: () => void;
  readonly onError?: (error: unknown) => void;
}

const BATCH = 100;

/** The SMS of a due failover, or the error that stops it. */
async function planFailoverSms(deps: FailoverWorkerDeps, pending: PendingFailover, reason: FailoverSms['reason'], now: number): Promise<FailoverSms> {
  const account = await deps.store.getAccount(pending.accountId);
  if (!account) throw gatewayError('invalid_request', { detail: `Account ${pending.accountId} is gone.` });
  const optOut = checkOptOut(pending.to, await deps.store.getOptOut(account.id, pending.to));
  if (optOut.kind === 'refuse') throw optOut.error;
  const { request } = pending;
  const plan = await planAccountSms(deps, account, { from: request.from, to: pending.to, text: request.text }, now);
  return { reason, connectorId: plan.route.connectorId, payload: smsMessageOf(plan, pending.to, request.text).payload, cost: account.credit === null ? 0 : plan.price };
}

/** Decides every due failover once; answers how many changed. */
export async function runDueFailovers(deps: FailoverWorkerDeps): Promise<number> {
  const now = deps.now();
  const due = await deps.store.failover.dueFailovers(now, BATCH);
  for (const pending of due) {
    const decision = decideFailover(pending.status, pending.error, pending.dueAt, now);
    if (decision.kind === 'wait') continue;
    if (decision.kind === 'close') {
      await deps.store.failover.closeFailover(pending, { state: 'not_needed' }, now);
      continue;
    }
    try {
      await deps.store.failover.triggerFailover(pending, await planFailoverSms(deps, pending, decision.reason, now), now);
    } catch (error) {
      if (!(error instanceof SwitchboardError)) throw error;
      await deps.store.failover.closeFailover(pending, { state: 'refused', reason: decision.reason, error }, now);
    }
  }
  return due.length;
}

export class FailoverWorker {
  private readonly loop: WorkLoop;

  constructor(private readonly deps: FailoverWorkerDeps) {
    this.loop = new WorkLoop(() => this.tick(), { retryAfterErrorMs: deps.pollMs, onError: (error) => deps.onError?.(error) });
  }

  start(): void {
    this.loop.start();
  }

  /** Statuses moved: a failover may be decided now. */
  nudge(): void {
    this.loop.schedule(0);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(): Promise<void> {
    const changed = await runDueFailovers(this.deps);
    if (changed > 0) this.deps.onChanged();
    this.loop.schedule(changed >= BATCH ? 0 : this.deps.pollMs);
  }
}
