/**
 * Applies Meta's stored webhook deliveries, after the 200 went out: status changes, customer messages (the 24-hour
 * window, STOP/START keywords) and template review changes. Idempotent, because Meta re-sends: applying a delivery
 * twice changes nothing the first time did not.
 */
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../domain/json-depth.js';
import { keywordIntent, type KeywordConfig } from '../../domain/opt-out-keywords.js';
import type { InboundStore } from '../../store/inbound-store.js';
import type { CustomerMessageEvent, MetaWebhookEvent, StatusEvent, TemplateStatusEvent } from '../../domain/meta-events.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import type { StatusOutcome } from '../../store/inbound-store.js';
import { applyHealthEvent, type HealthWriter } from './health-apply.js';
import { parseMetaWebhook } from './parse.js';
import { applyIdentityEvent, senderKey, type IdentityWriter } from './identity-apply.js';

/** The contact facts preflight reads; the store keeps them (and any in-memory mirror of them) consistent. */
export interface ContactFactsWriter {
  recordInbound(numberId: string, waId: string, at: number): Promise<void>;
  recordOptOut(accountId: string, waId: string, now: number): Promise<void>;
  removeOptOut(accountId: string, waId: string): Promise<boolean>;
  /** A customer who writes in has WhatsApp, whatever the number's account checked before; other accounts learn nothing. */
  markOnWhatsApp(accountId: string, waId: string, now: number): Promise<void>;
}

export interface TemplateStatusWriter {
  /** `event` is Meta's word for the change; the writer decides which ones are review statuses. */
  setTemplateStatus(change: { wabaId: string; name: string; language: string; event: string; reason?: string }, now: number): Promise<void>;
}

export interface MetaWebhookApplierDeps {
  readonly inbound: InboundStore;
  readonly contacts: ContactFactsWriter;
  readonly identities: IdentityWriter;
  readonly templates: TemplateStatusWriter;
  /** Number, account and template health and status pricing; absent = those webhooks change nothing. */
  readonly health?: HealthWriter;
  readonly keywords: KeywordConfig;
  readonly now: () => number;
  readonly pollMs: number;
  readonly onError?: (error: unknown) => void;
  /** Called after a pass applied deliveries: their events are waiting for the customer-webhook worker. */
  readonly onApplied?: () => void;
  readonly metrics?: GatewayMetrics;
}

const BATCH = 200;
/**
 * How long a pass waits after a delivery is stored, gathering the ones that follow: Meta sends a status webhook per
 * few statuses, and a pass per delivery paid its fixed cost (reads, transactions, commits) each time.
 */
const GATHER_MS = 20;

export class MetaWebhookApplier {
  private timer: NodeJS.Timeout | undefined;
  private passAt = Number.POSITIVE_INFINITY;
  private running = false;
  private passing = false;
  private busy: Promise<void> = Promise.resolve();
  private again = false;

  constructor(private readonly deps: MetaWebhookApplierDeps) {}

  start(): void {
    this.running = true;
    this.nudge();
  }

  /** A delivery was stored: apply it soon (deliveries left from before a restart are found by the same pass). */
  nudge(): void {
    if (!this.running) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    if (this.passAt <= Date.now() + GATHER_MS) return;
    this.schedule(GATHER_MS);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.passAt = Date.now() + delayMs;
    this.timer = setTimeout(() => this.pass(), delayMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.passAt = Number.POSITIVE_INFINITY;
    await this.busy;
  }

  /** Resolves when every delivery stored so far has been applied (for tests and shutdown). */
  async idle(): Promise<void> {
    while ((await this.deps.inbound.pendingMetaWebhooks(1)).length > 0) await new Promise((r) => setTimeout(r, 10));
    await this.busy;
  }

  private pass(): void {
    this.passing = true;
    this.passAt = Number.POSITIVE_INFINITY;
    this.busy = this.applyPending()
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.passing = false;
        if (!this.running) return;
        const delay = this.again ? GATHER_MS : this.deps.pollMs;
        this.again = false;
        this.schedule(delay);
      });
  }

  /** Statuses, by far the most frequent, are applied for a whole pass in one transaction. */
  private async applyPending(): Promise<void> {
    for (;;) {
      const pending = await this.deps.inbound.pendingMetaWebhooks(BATCH);
      const now = this.deps.now();
      const events = pending.flatMap((delivery) => parseMetaWebhook(parseJson(delivery.body), now));
      const statuses = events.filter((e): e is StatusEvent => e.kind === 'status');
      if (statuses.length > 0) {
        const outcomes = await this.deps.inbound.applyStatuses(statuses.map((status) => ({ status, error: status.errors[0] })), now);
        await this.countStatuses(statuses, outcomes);
        await this.deps.health?.applyPricing(statuses, now);
      }
      for (const event of events) await this.applyEvent(event, now);
      if (pending.length > 0) {
        await this.deps.inbound.markMetaWebhooksApplied(pending.map((d) => d.id), now);
        this.deps.metrics?.metaWebhooksApplied(pending.length);
        this.deps.onApplied?.();
      }
      if (pending.length < BATCH || !this.running) return;
    }
  }

  /** Statuses that moved a message, by our id of the number that sent it (Meta names the number by its own id). */
  private async countStatuses(statuses: readonly StatusEvent[], outcomes: readonly StatusOutcome[]): Promise<void> {
    const metrics = this.deps.metrics;
    if (!metrics) return;
    const numberIds = new Map<string, string | undefined>();
    for (const [index, status] of statuses.entries()) {
      if (outcomes[index] !== 'moved') continue;
      if (!numberIds.has(status.phoneNumberId)) numberIds.set(status.phoneNumberId, (await this.deps.inbound.findNumberOwner(status.phoneNumberId))?.numberId);
      const numberId = numberIds.get(status.phoneNumberId);
      if (numberId === undefined) continue;
      metrics.statusReached(numberId, status.status);
      const error = status.errors[0];
      if (status.status === 'failed' && error) metrics.messageFailed(error.entry);
    }
  }

  private async applyEvent(event: MetaWebhookEvent, now: number): Promise<void> {
    switch (event.kind) {
      case 'status':
        return;
      case 'message':
        return this.applyCustomerMessage(event, now);
      case 'template_status':
        return this.applyTemplateStatus(event, now);
      case 'account_error':
        this.deps.onError?.(event.error);
        return;
      case 'user_id_change':
      case 'marketing_preference':
        return applyIdentityEvent(this.deps.inbound, this.deps.identities, event, now);
      default:
        return applyHealthEvent(this.deps.health, event, now);
    }
  }

  /** Window and keywords are applied every time (both idempotent), so a crash between the steps loses neither. */
  private async applyCustomerMessage(message: CustomerMessageEvent, now: number): Promise<void> {
    const owner = await this.deps.inbound.findNumberOwner(message.phoneNumberId);
    if (!owner) return;
    const receivedAt = await this.deps.inbound.saveCustomerMessage(owner, message, now);
    const key = await senderKey(this.deps.identities, owner.accountId, message.identity, message.from, now);
    await this.deps.contacts.recordInbound(owner.numberId, key, receivedAt);
    if (!owner.accountId) return;
    if (message.identity?.phone !== undefined) await this.deps.contacts.markOnWhatsApp(owner.accountId, message.identity.phone, now);
    const intent = keywordIntent(message.text, this.deps.keywords);
    if (intent === 'opt-out') await this.deps.contacts.recordOptOut(owner.accountId, key, now);
    if (intent === 'opt-in') await this.deps.contacts.removeOptOut(owner.accountId, key);
  }

  private applyTemplateStatus(change: TemplateStatusEvent, now: number): Promise<void> {
    return this.deps.templates.setTemplateStatus(
      { wabaId: change.wabaId, name: change.name, language: change.language, event: change.event, ...(change.reason ? { reason: change.reason } : {}) },
      now,
    );
  }
}

function parseJson(body: string): unknown {
  // Deeper than any batch Meta sends: reading it would only cost stack.
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    // The signature matched, so this is what Meta sent; there is nothing in it to apply.
    return undefined;
  }
}
