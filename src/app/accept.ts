/**
 * The accept use case shared by /v1/messages, the batch route and the Cloud-API-compatible surface:
 * validate → choose the sender → gather preflight facts → run the rules → store durably. Credit and the counted
 * limits (spam control, messaging limit) are decided once more by the store's accept transaction, on its own counts.
 */
import { performance } from 'node:perf_hooks';
import { gatewayError, SwitchboardError } from '../catalog/switchboard-error.js';
import type { Account } from '../domain/account.js';
import { DEFAULT_DELIVERY_DEFAULTS, readDeliveryOptions, type DeliveryBounds, type DeliveryOptions } from '../domain/delivery.js';
import type { OutboundMessage } from '../domain/message.js';
import { chooseSender, type PhoneNumber } from '../domain/phone-number.js';
import { runPreflight } from '../domain/preflight/preflight.js';
import { checkWebhookBacklog, type WebhookBacklog } from '../domain/preflight/webhook-backlog.js';
import { isObject, join } from '../domain/validation/fields.js';
import { checkMediaMime, isMediaType } from '../domain/validation/media.js';
import { validateOutbound } from '../domain/validation/outbound.js';
import type { AcceptAdmission, AcceptItem, AcceptResult, IdempotencyCompletion, Store } from '../store/store.js';
import { gatherControlFacts } from './control-facts.js';
import { DEFAULT_SMS_MAX_SEGMENTS, isSmsRequest, planAccountSms, prepareSms } from './sms-send.js';
import { isFailoverError, readFailover, type FailoverRequest } from '../domain/failover.js';
import type { GatewayMetrics } from '../observability/metrics.js';


export interface SendDeps {
  readonly store: Store;
  readonly clock: { now(): number };
  /** Called after a commit that stored messages: lets an in-process dispatcher look for work at once. */
  readonly onAccepted?: () => void;
  /** The account's undelivered webhook events against its cap; absent = no backlog bound. */
  readonly webhookBacklog?: (accountId: string) => Promise<WebhookBacklog>;
  /** How long a contact check's "no WhatsApp" is trusted by preflight; absent = 7 days. */
  readonly contactCheckTtlMs?: number;
  readonly metrics?: GatewayMetrics;
  /** How far ahead `send_at` may be and the other bounds of delivery control; absent = the defaults. */
  readonly deliveryBounds?: DeliveryBounds;
  /** Segments an SMS may have; absent = DEFAULT_SMS_MAX_SEGMENTS. */
  readonly smsMaxSegments?: number;
}

export interface PreparedSend {
  readonly message: OutboundMessage;
  /** The WhatsApp number that sends it, or the SMS connector its route names: the outbox queues its job there. */
  readonly numberId: string;
  /** Credit this message reserves at accept (its price; 0 off prepaid credit). */
  readonly cost?: number;
  readonly admission?: AcceptAdmission;
  readonly delivery: DeliveryOptions;
  readonly failover?: FailoverRequest;
}

/** Re-homes an error's field under a prefix, e.g. `to` → `messages[3].to` inside a batch. */
export function underField(error: unknown, prefix: string): unknown {
  if (!(error instanceof SwitchboardError) || prefix === '') return error;
  const field = error.field === undefined ? prefix : error.field.startsWith(prefix) ? error.field : join(prefix, error.field);
  return new SwitchboardError(error.entry, {
    field,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.extensions === undefined ? {} : { extensions: error.extensions }),
  });
}

async function senderFor(deps: SendDeps, account: Account, requested: string | undefined): Promise<PhoneNumber> {
  const found =
    requested !== undefined ? await deps.store.findNumber(requested)
    : account.defaultNumberId !== null ? await deps.store.getNumber(account.defaultNumberId)
    : undefined;
  const decision = chooseSender(account, requested, found);
  if (decision.kind === 'refuse') throw decision.error;
  return decision.number;
}

async function checkUploadedMedia(deps: SendDeps, account: Account, message: OutboundMessage): Promise<void> {
  if (message.media?.kind !== 'id' || !isMediaType(message.type)) return;
  const field = `${message.type}.id`;
  const media = await deps.store.getMedia(account.id, message.media.id);
  if (!media) throw gatewayError('media_not_found', { detail: `No upload ${message.media.id} belongs to your account.`, field });
  checkMediaMime(message.type, media.mimeType, field);
}

/**
 * Everything short of storing. `from` is the sending number the surface fixed (the Cloud API path); otherwise the
 * body's `from` or the account default. `cost` is the credit the whole request needs (a batch's item count).
 */
export async function prepareSend(deps: SendDeps, account: Account, body: unknown, options: { from?: string; cost?: number } = {}): Promise<PreparedSend> {
  const message = validateOutbound(body);
  const delivery = readDeliveryOptions(body, deps.clock.now(), account.deliveryDefaults ?? DEFAULT_DELIVERY_DEFAULTS, deps.deliveryBounds);
  // Checked first and per account: a full backlog refuses the send whatever else is right or wrong with it.
  const backlog = checkWebhookBacklog(deps.webhookBacklog ? await deps.webhookBacklog(account.id) : undefined);
  if (backlog.kind === 'refuse') throw refusedBeforeUpstream(deps, backlog.error);
  if (isSmsRequest(body)) {
    const sms = await prepareSms({ store: deps.store, maxSegments: deps.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS }, account, body, message, deps.clock.now(), options.cost)
      .catch((error: unknown) => { throw error instanceof SwitchboardError ? refusedBeforeUpstream(deps, error) : error; });
    return { message: sms.message, numberId: sms.connectorId, cost: sms.cost, delivery };
  }
  const bodyFrom = isObject(body) && typeof body['from'] === 'string' ? body['from'] : undefined;
  const number = await senderFor(deps, account, options.from ?? bodyFrom);
  await checkUploadedMedia(deps, account, message);
  const { store } = deps;
  const facts = await store.getSendFacts({
    accountId: account.id,
    numberId: number.id,
    wabaId: number.wabaId,
    to: message.to,
    needsWindow: message.type !== 'template',
    ...(message.template ? { template: { name: message.template.name, language: message.template.language } } : {}),
  });
  const now = deps.clock.now();
  const controls = await gatherControlFacts(store, account, message, facts.template, now, deps.contactCheckTtlMs, number.health?.messagingTier ?? null);
  // `"force": true` sends to a recipient a contact check found without WhatsApp (the check may be out of date).
  const force = isObject(body) && body['force'] === true;
  const decision = runPreflight(
    { account, number, message, ...facts, ...controls, force, cost: controls.price * (options.cost ?? 1), scheduled: delivery.sendAt !== null },
    now,
  );
  if (decision.kind === 'refuse') {
    const failover = readFailover(body);
    if (failover && isFailoverError(decision.error.entry)) return smsInstead(deps, account, failover, { to: message.to, cost: options.cost ?? 1, delivery, because: decision.error });
    throw refusedBeforeUpstream(deps, decision.error);
  }
  const failover = await checkFailover(deps, account, body, message.to);
  return { message, numberId: number.id, cost: controls.price, delivery, ...(controls.admission ? { admission: controls.admission } : {}), ...(failover ? { failover } : {}) };
}

/**
 * A failover SMS that could never go (no route, a sender id the account may not use, too long) is refused with the
 * send, under `failover`; credit for it is reserved only when it goes.
 */
async function checkFailover(deps: SendDeps, account: Account, body: unknown, to: string): Promise<FailoverRequest | undefined> {
  const failover = readFailover(body);
  if (!failover) return undefined;
  if (!/^\d+$/.test(to)) throw gatewayError('invalid_request', { detail: 'A failover SMS needs a phone number in `to`.', field: 'failover' });
  await planAccountSms({ store: deps.store, maxSegments: deps.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS }, account, { from: failover.from, to, text: failover.text }, deps.clock.now())
    .catch((error: unknown) => { throw underField(error, 'failover'); });
  return failover;
}

/**
 * Preflight already knows WhatsApp cannot reach the recipient (a contact check found no WhatsApp): the failover SMS is
 * the send, accepted as an SMS at once; its content names why (`failover_reason`).
 */
async function smsInstead(
  deps: SendDeps, account: Account, failover: FailoverRequest,
  send: { readonly to: string; readonly cost: number; readonly delivery: DeliveryOptions; readonly because: SwitchboardError },
): Promise<PreparedSend> {
  const message: OutboundMessage = { to: send.to, type: 'text', payload: { text: { body: failover.text } } };
  const planDeps = { store: deps.store, maxSegments: deps.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS };
  const sms = await prepareSms(planDeps, account, failover.from === undefined ? {} : { from: failover.from }, message, deps.clock.now(), send.cost)
    .catch((error: unknown) => { throw underField(error, 'failover'); });
  const payload = { ...sms.message.payload, failover_reason: `${send.because.entry.namespace}/${String(send.because.entry.code)}` };
  return { message: { ...sms.message, payload }, numberId: sms.connectorId, cost: sms.cost, delivery: send.delivery };
}

export function toAcceptItem(account: Account, prepared: PreparedSend): AcceptItem {
  return {
    accountId: account.id,
    numberId: prepared.numberId,
    to: prepared.message.to,
    type: prepared.message.type,
    payload: prepared.message.payload,
    creditCost: account.credit === null ? 0 : (prepared.cost ?? 1),
    delivery: prepared.delivery,
    ...(prepared.admission ? { admission: prepared.admission } : {}),
    ...(prepared.failover ? { failover: prepared.failover } : {}),
  };
}

/** A preflight rule refused the send: counted, since this is a request it saved. */
function refusedBeforeUpstream(deps: SendDeps, error: SwitchboardError): SwitchboardError {
  deps.metrics?.preflightRefused(error.entry);
  return error;
}

function countAccepts(metrics: GatewayMetrics, prepared: readonly PreparedSend[], results: readonly AcceptResult[], seconds: number): void {
  metrics.acceptCommitted(seconds);
  results.forEach((result, index) => {
    if (result.kind === 'accepted') metrics.messageAccepted((prepared[index] as PreparedSend).numberId);
    else metrics.preflightRefused(result.error.entry);
  });
}

/** Stores the prepared sends in one durable commit; resolves after it is on disk. */
export async function acceptPrepared(
  deps: SendDeps,
  account: Account,
  prepared: readonly PreparedSend[],
  idempotency?: IdempotencyCompletion,
): Promise<AcceptResult[]> {
  const startedAt = performance.now();
  const results = await deps.store.acceptMessages(prepared.map((p) => toAcceptItem(account, p)), deps.clock.now(), idempotency);
  if (deps.metrics) countAccepts(deps.metrics, prepared, results, (performance.now() - startedAt) / 1000);
  if (deps.onAccepted && results.some((r) => r.kind === 'accepted')) deps.onAccepted();
  return results;
}

/** The one result of a single send: its id, or the error of the rule that refused it in the accept transaction. */
export function acceptedId(result: AcceptResult | undefined): string {
  if (result?.kind === 'accepted') return result.id;
  throw result?.error ?? new Error('the store answered no result for the send');
}
