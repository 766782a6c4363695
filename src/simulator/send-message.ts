/** The `/messages` edge: gathers the facts for one send, runs Meta's rules in Meta's order, then answers and schedules the status webhooks. */
import { arrivesAsync, statusError } from './graph-error.js';
import { callerNumber, graphFailure, isRefusal, type GraphResult } from './graph-result.js';
import { pickFault, type BrokenSend } from './faults.js';
import type { SimCore } from './sim-core.js';
import type { Contact, PhoneNumber, Template } from './state.js';
import { pairKey } from './state.js';
import { decideDelivery } from './rules/delivery.js';
import { checkMediaReference, guessLink, type MediaDecision } from './rules/media.js';
import { MEDIA_MESSAGE_TYPES, readMessage, type MediaMessageType, type OutboundMessage } from './rules/message-shape.js';
import { reject, type Rejection } from './rules/outcome.js';
import { checkPairRate } from './rules/pair-rate.js';
import { checkNotSelf } from './rules/self-recipient.js';
import { checkStanding } from './rules/standing.js';
import { checkTemplate } from './rules/template.js';
import { checkAllowedRecipient } from './rules/test-number.js';
import { checkThroughput, effectiveMps } from './rules/throughput.js';
import { checkWindow } from './rules/window.js';
import { checkNotBlocked } from './rules/block-users.js';
import { phoneOfUserId } from './identity.js';
import type { StatusPayload } from './webhook-payload.js';

export function sendMessage(core: SimCore, callerWabaId: string, phoneNumberId: string, body: unknown): GraphResult {
  const number = callerNumber(core, callerWabaId, phoneNumberId);
  if (isRefusal(number)) return number;
  if (typeof body === 'object' && body !== null && (body as Record<string, unknown>).status === 'read') {
    return markRead(core, number, body as Record<string, unknown>);
  }
  const now = core.clock.now();
  const business = core.state.requireBusiness(number.wabaId);
  const standing = checkStanding({ business, number });
  if (standing.kind === 'reject') return graphFailure(core, standing);

  const throughput = checkThroughput(number.throughput, now, effectiveMps(number, core.defaultMps));
  number.throughput = throughput.tat;
  if (throughput.outcome.kind === 'reject') return graphFailure(core, throughput.outcome);

  const addressed = addressedBody(core, body);
  if (addressed.kind === 'reject') return graphFailure(core, addressed);
  const shape = readMessage(addressed.body);
  if (shape.kind === 'reject') return graphFailure(core, shape);
  const message = shape.message;

  const blocked = checkNotBlocked(core.state.blocks.get(phoneNumberId), message.waId);
  if (blocked.kind === 'reject') return graphFailure(core, blocked);

  const self = checkNotSelf(number, message.waId);
  if (self.kind === 'reject') return graphFailure(core, self);

  const allowed = checkAllowedRecipient(number, message.waId);
  if (allowed.kind === 'reject') return graphFailure(core, allowed);

  const fault = meetFault(core, phoneNumberId, message, now);
  if (fault?.sync) return graphFailure(core, fault.sync);
  if (fault?.broken && !fault.broken.accepted) return { status: 0, body: undefined, broken: fault.broken };
  let later = fault?.later;

  const key = pairKey(phoneNumberId, message.waId);
  const window = checkWindow(message.type, core.state.lastInbound.get(key), now);
  if (window.kind === 'reject') return graphFailure(core, window);

  let template: Template | undefined;
  if (message.type === 'template') {
    const decision = checkTemplate(message.payload, core.state.findTemplates(number.wabaId, message.payload.name as string));
    if (decision.kind === 'reject') return graphFailure(core, decision);
    template = decision.template as Template;
  }

  const media = checkMedia(core, number, message);
  if (media?.kind === 'reject') return graphFailure(core, media);
  later ??= media?.later;

  // Last, so that only messages Meta would send use up the recipient's pair budget.
  const pair = checkPairRate(core.state.pairPaces.get(key) ?? 0, now, core.pairRate);
  core.state.pairPaces.set(key, pair.tat);
  if (pair.outcome.kind === 'reject') return graphFailure(core, pair.outcome);

  const wamid = core.state.newWamid();
  scheduleStatuses(core, number, message, wamid, template, later, addressed.userId !== undefined);
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [addressed.userId === undefined ? { input: message.to, wa_id: message.waId } : { input: addressed.userId, user_id: addressed.userId }],
      messages: [template ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
    },
    ...(fault?.broken ? { broken: fault.broken } : {}),
  };
}

/** The injected fault this send meets, if any: answered now, reported later on a `failed` status, or a broken answer. */
function meetFault(
  core: SimCore,
  phoneNumberId: string,
  message: OutboundMessage,
  now: number,
): { sync?: Rejection; later?: Rejection; broken?: BrokenSend } | undefined {
  if (core.faults.length === 0) return undefined;
  const template = message.type === 'template' ? (message.payload.name as string) : undefined;
  const facts = { phoneNumberId, waId: message.waId, type: message.type, now, ...(template === undefined ? {} : { template }) };
  const fault = pickFault(core.faults, facts, core.faultRandom);
  if (!fault) return undefined;
  if (fault.remaining !== undefined) fault.remaining--;
  if (fault.error === undefined) return fault.broken ? { broken: fault.broken } : undefined;
  const rejection = reject(fault.error);
  const async = fault.arrives === undefined ? arrivesAsync(fault.error) : fault.arrives === 'async';
  return async ? { later: rejection } : { sync: rejection };
}

/** Media sends: the referenced upload must belong to this business; links are judged without going on the network. */
function checkMedia(core: SimCore, number: PhoneNumber, message: OutboundMessage): MediaDecision | undefined {
  if (!(MEDIA_MESSAGE_TYPES as readonly string[]).includes(message.type)) return undefined;
  const { id, link } = message.payload;
  const stored = typeof id === 'string' ? core.state.media.get(id) : undefined;
  const owned = stored && core.state.numbers.get(stored.phoneNumberId)?.wabaId === number.wabaId ? stored : undefined;
  const linkFacts = typeof link === 'string' ? (core.state.links.get(link) ?? guessLink(link)) : undefined;
  return checkMediaReference(message.type as MediaMessageType, message.payload, owned, linkFacts);
}

function markRead(core: SimCore, number: PhoneNumber, body: Record<string, unknown>): GraphResult {
  if (body.messaging_product !== 'whatsapp') return graphFailure(core, reject(100, 'The parameter messaging_product is required and must be "whatsapp".'));
  if (typeof body.message_id !== 'string') return graphFailure(core, reject(131008, 'The parameter message_id is required.'));
  if (core.state.inboundIds.get(body.message_id) !== number.phoneNumberId) {
    return graphFailure(core, reject(131009, `Parameter value is not valid: message_id ${body.message_id} is not a message this number received.`));
  }
  const typing = body.typing_indicator;
  if (typing !== undefined && (typeof typing !== 'object' || typing === null || (typing as Record<string, unknown>).type !== 'text')) {
    return graphFailure(core, reject(100, 'Param typing_indicator must be { "type": "text" }.'));
  }
  core.state.readMarks.push({ phoneNumberId: number.phoneNumberId, messageId: body.message_id, ...(typing === undefined ? {} : { typingIndicator: 'text' }), at: core.clock.now() });
  return { status: 200, body: { success: true } };
}

function scheduleStatuses(
  core: SimCore,
  number: PhoneNumber,
  message: OutboundMessage,
  wamid: string,
  template: Template | undefined,
  later: Rejection | undefined,
  byUserId: boolean,
): void {
  if (!core.webhooks.configured) return;
  const now = core.clock.now();
  const contact: Contact | undefined = core.state.contacts.get(message.waId);
  const delivery = later ?? decideDelivery(contact, template?.category === 'MARKETING', now);
  const ref = core.numberRef(number);
  const base = {
    id: wamid,
    // Meta names the phone of a message sent to a user id only while it shows that user's phone.
    ...(byUserId && contact?.withholdPhone === true ? {} : { recipient_id: message.waId }),
    recipient_user_id: core.state.userIdOf(message.waId),
    ...(message.bizOpaqueCallbackData === undefined ? {} : { biz_opaque_callback_data: message.bizOpaqueCallbackData }),
  };
  const d = core.delays;
  if (delivery.kind === 'reject') {
    const failed: StatusPayload = { ...base, status: 'failed', timestamp: core.timestamp(d.sent), errors: [statusError(delivery)] };
    core.webhooks.enqueue({ kind: 'status', number: ref, status: failed }, d.sent);
    return;
  }
  if (delivery.countsAsMarketing && contact) contact.marketingDeliveredAt.push(now);
  const category = template ? template.category.toLowerCase() : 'service';
  const pricing = template
    ? { billable: true, pricing_model: 'PMP' as const, category, type: 'regular' }
    : { billable: false, pricing_model: 'PMP' as const, category, type: 'free_customer_service' };
  core.webhooks.enqueue({ kind: 'status', number: ref, status: { ...base, status: 'sent', timestamp: core.timestamp(d.sent), pricing } }, d.sent);
  core.webhooks.enqueue(
    { kind: 'status', number: ref, status: { ...base, status: 'delivered', timestamp: core.timestamp(d.delivered), pricing } },
    d.delivered,
  );
  if (d.read >= 0 && !contact?.neverReads) {
    core.webhooks.enqueue({ kind: 'status', number: ref, status: { ...base, status: 'read', timestamp: core.timestamp(d.read) } }, d.read);
  }
}

/**
 * A send to a user id names it in `recipient` (Meta lets `to` win when both are there): the body is read as a send to
 * the user's phone, which the simulator knows; an id it never gave out is refused.
 */
function addressedBody(core: SimCore, body: unknown): { kind: 'body'; body: unknown; userId?: string } | Rejection {
  if (typeof body !== 'object' || body === null) return { kind: 'body', body };
  const fields = body as Record<string, unknown>;
  if (fields.to !== undefined || typeof fields.recipient !== 'string') return { kind: 'body', body };
  const phone = phoneOfUserId(core, fields.recipient);
  if (phone === undefined) return reject(131009, `Parameter value is not valid: recipient ${fields.recipient} is not a known user id.`);
  return { kind: 'body', body: { ...fields, to: phone }, userId: fields.recipient };
}
