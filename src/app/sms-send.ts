/**
 * The SMS side of the accept use case: `channel: "sms"` on /v1/messages and batch items. The send rules (sender id,
 * route, segments, price per segment) and the account rules (controls, credit, opt-out) run before anything is
 * stored; the message then goes through the same accept transaction and outbox as a WhatsApp send, its job queued on
 * the routed connector (store/sql/sql-sms-messages.ts).
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import type { Account } from '../domain/account.js';
import { countryOf, priceOf } from '../domain/credit/pricing.js';
import type { OutboundMessage } from '../domain/message.js';
import { runSmsPreflight } from '../domain/preflight/sms-preflight.js';
import { planSms, type SmsPlan } from '../domain/sms/sms-plan.js';
import { isObject } from '../domain/validation/fields.js';
import type { Store } from '../store/store.js';

/** Segments an SMS may have when the operator configured none. */
export const DEFAULT_SMS_MAX_SEGMENTS = 6;

export const SMS_CHANNEL = 'sms';

/** What the outbox keeps of an SMS: enough to submit it again after a restart, and to show it. */
export interface SmsPayload {
  readonly channel: typeof SMS_CHANNEL;
  readonly from: string;
  readonly text: { readonly body: string };
  readonly encoding: string;
  readonly segments: number;
}

export function isSmsRequest(body: unknown): boolean {
  return isObject(body) && body['channel'] === SMS_CHANNEL;
}

export function isSmsPayload(payload: Readonly<Record<string, unknown>>): payload is Readonly<Record<string, unknown>> & SmsPayload {
  return payload['channel'] === SMS_CHANNEL;
}

export interface PreparedSms {
  readonly message: OutboundMessage;
  /** The routed connector: the outbox queues the job on it. */
  readonly connectorId: string;
  readonly cost: number;
}

function textOf(message: OutboundMessage): string {
  const text = message.payload['text'];
  if (message.type !== 'text' || !isObject(text) || typeof text['body'] !== 'string') {
    throw gatewayError('invalid_request', { detail: 'An SMS carries text only: `text.body`.', field: 'type' });
  }
  if (!/^\d+$/.test(message.to)) throw gatewayError('invalid_phone_number', { detail: 'An SMS goes to a phone number.', field: 'to' });
  return text['body'];
}

function smsPayload(plan: SmsPlan, body: string): SmsPayload {
  return { channel: SMS_CHANNEL, from: plan.sender.value, text: { body }, encoding: plan.segmentation.encoding, segments: plan.segmentation.segments.length };
}

export interface SmsPlanDeps {
  readonly store: Store;
  readonly maxSegments: number;
}

/**
 * The send rules of one SMS for an account, read from the store: `from` is the requested sender id, else the account's
 * first allowed one. Answers the plan (its price is per segment times segments) or throws the refusal.
 */
export async function planAccountSms(deps: SmsPlanDeps, account: Account, request: { readonly from: string | undefined; readonly to: string; readonly text: string }, now: number): Promise<SmsPlan> {
  const { store } = deps;
  const [routes, allowedSenderIds, prices] = await Promise.all([
    store.sms.listRoutes(), store.sms.listSenderIds(account.id), account.credit === null ? [] : store.controls.listPrices(account.id),
  ]);
  if (request.from === undefined && allowedSenderIds.length === 0) {
    throw gatewayError('invalid_sender', { detail: 'The account has no SMS sender id; the operator allows them (admin API).', field: 'from' });
  }
  const pricePerSegment = account.credit === null ? 0 : priceOf(prices, 'sms', countryOf(request.to), now);
  const decision = planSms(
    { accountId: account.id, from: request.from ?? (allowedSenderIds[0] as string), to: request.to, text: request.text },
    { routes, allowedSenderIds, maxSegments: deps.maxSegments, pricePerSegment },
  );
  if (decision.kind === 'refuse') throw decision.error;
  return decision.plan;
}

export function smsMessageOf(plan: SmsPlan, to: string, body: string): OutboundMessage {
  return { to, type: 'text', payload: { ...smsPayload(plan, body) } };
}

/**
 * `message` is the validated request (its `text.body` and recipient); `from` is the body's sender id, else the
 * account's first allowed one. `requestCost` multiplies the credit check (a batch's item count).
 */
export async function prepareSms(deps: SmsPlanDeps, account: Account, body: unknown, message: OutboundMessage, now: number, requestCost = 1): Promise<PreparedSms> {
  const text = textOf(message);
  const bodyFrom = isObject(body) && typeof body['from'] === 'string' ? body['from'] : undefined;
  const plan = await planAccountSms(deps, account, { from: bodyFrom, to: message.to, text }, now);
  const [controls, optedOutAt] = await Promise.all([deps.store.controls.getControls(account.id), deps.store.getOptOut(account.id, message.to)]);
  const preflight = runSmsPreflight({ account, controls, to: message.to, optedOutAt, cost: plan.price * requestCost }, now);
  if (preflight.kind === 'refuse') throw preflight.error;
  return { message: smsMessageOf(plan, message.to, text), connectorId: plan.route.connectorId, cost: plan.price };
}
