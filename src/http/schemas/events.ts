/**
 * The customer webhooks as OpenAPI 3.1 documents them (the `webhooks` section): one schema per event type, the shapes
 * the builders in src/domain/events.ts produce. Every post is `{ type, timestamp, data }`, signed after Standard Webhooks.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { TEST_EVENT_TYPE, type EventType } from '../../domain/events.js';
import { TEMPLATE_STATUSES } from '../../domain/template.js';

const id = (description: string) => ({ type: 'string', description });
const nullable = (description: string) => ({ type: ['string', 'null'], description });

const EVENT_ERROR = {
  type: 'object',
  description: 'The catalog entry of the failure, as in a message\u2019s `error` (GET /v1/messages/{id}).',
  required: ['namespace', 'code', 'type'],
  additionalProperties: false,
  properties: {
    namespace: { type: 'string', enum: ['meta', 'onprem', 'gateway', 'sms'] },
    code: { type: ['string', 'integer'] },
    type: { type: 'string', description: 'Link to the catalog entry: /v1/errors/{namespace}/{code}' },
    title: { type: 'string' },
    retryable: { type: 'boolean' },
    action: { type: 'string' },
    detail: { type: 'string' },
  },
} as const;

function object(properties: Record<string, unknown>, optional: readonly string[] = []) {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties).filter((p) => !optional.includes(p)), properties };
}

const MESSAGE_OUTCOME = {
  message_id: id('Our message id (`msg_…`), as answered by POST /v1/messages.'),
  to: id('The recipient as the message was addressed: a phone (wa_id) or a business-scoped user id.'),
  wamid: nullable('Meta\u2019s message id; null when the message never reached Meta.'),
};

const NUMBER_REF = {
  number_id: id('The number (`num_\u2026`).'), phone_number_id: id('Meta\u2019s id of the number.'), waba_id: id('The WhatsApp Business Account.'),
};

const TEMPLATE_REF = { waba_id: id('The WhatsApp Business Account.'), name: id('The template\u2019s name.'), language: id('Its language, e.g. en_US.') };
/** Progress events add the recipient's user id when Meta's status named it and the message went to the phone. */
const MESSAGE_PROGRESS = { ...MESSAGE_OUTCOME, user_id: id('The recipient\u2019s business-scoped user id, when Meta sent it.') };
/** Echoed in every event about a message whose send gave them (absent otherwise). */
const ECHO = {
  client_ref: { type: 'string', description: 'The `client_ref` (or `biz_opaque_callback_data`) given with the send.', examples: ['order-8812'] },
  metadata: { type: 'object', additionalProperties: true, description: 'The `metadata` object given with the send.', examples: [{ customer_id: 'c_42' }] },
  channel: { type: 'string', const: 'sms', description: 'Present on the events of an SMS (`channel: "sms"` sends and failover SMS); absent for WhatsApp.' },
};
const ECHOED = Object.keys(ECHO);

/** A message event's data: its own fields and the echo, which is optional. */
function messageData(properties: Record<string, unknown>, optional: readonly string[] = []) {
  return object({ ...properties, ...ECHO }, [...optional, ...ECHOED]);
}

interface EventDoc {
  readonly summary: string;
  readonly data: Record<string, unknown>;
}

type DocumentedType = EventType | typeof TEST_EVENT_TYPE;

const EVENT_DOCS: Record<DocumentedType, EventDoc> = {
  'message.accepted': {
    summary: 'A message was stored and queued for sending.',
    data: messageData({ message_id: MESSAGE_OUTCOME.message_id, number_id: id('The sending number (`num_…`).'), to: MESSAGE_OUTCOME.to, type: id('The message type (text, template …).') }),
  },
  'message.sent': { summary: 'Meta accepted the message.', data: messageData(MESSAGE_PROGRESS, ['user_id']) },
  'message.delivered': { summary: 'Meta reported the message delivered to the recipient\u2019s device.', data: messageData(MESSAGE_PROGRESS, ['user_id']) },
  'message.read': { summary: 'Meta reported the message read.', data: messageData(MESSAGE_PROGRESS, ['user_id']) },
  'message.failed': {
    summary: 'The message failed for good (refused by preflight, by Meta, or out of retries).',
    data: messageData({ ...MESSAGE_OUTCOME, error: { oneOf: [EVENT_ERROR, { type: 'null' }], description: 'Null when Meta reported a failure without a reason.' } }),
  },
  'message.received': {
    summary: 'A customer wrote to one of the account\u2019s numbers.',
    data: object(
      {
        wamid: id('Meta\u2019s id of the incoming message.'),
        from: id('The sender: its phone (wa_id), or its business-scoped user id when Meta withheld the phone.'),
        user_id: id('The sender\u2019s business-scoped user id, when Meta sent it.'),
        username: id('The sender\u2019s WhatsApp username, when they have one.'),
        number_id: id('The receiving number (`num_…`).'),
        type: id('Meta\u2019s message type (text, image, button, interactive …).'),
        text: id('The text, or the title of a button or interactive reply; absent for other types.'),
        message: { type: 'object', additionalProperties: true, description: 'Meta\u2019s message object, as Meta sent it.' },
      },
      ['text', 'user_id', 'username'],
    ),
  },
  'template.status': {
    summary: 'Meta reviewed a template of one of the account\u2019s WABAs (approved, rejected, paused, disabled …).',
    data: object({
      waba_id: id('The WhatsApp Business Account the template belongs to.'),
      name: id('The template\u2019s name.'),
      language: id('The language reviewed, e.g. en_US.'),
      status: { type: 'string', enum: [...TEMPLATE_STATUSES], description: 'Its review status now.' },
      reason: nullable('Meta\u2019s reason for a rejection or a pause; null when it gave none.'),
    }),
  },
  'account.disconnected': {
    summary: 'Meta refused the number\u2019s access token: sending is paused until the token is replaced.',
    data: object({ number_id: id('The number whose token was refused (`num_…`).'), error: EVENT_ERROR }),
  },
  'account.reconnected': {
    summary: 'Every paused number of the account has a new token: sending resumed.',
    data: object({ number_id: id('The number whose token was replaced last (`num_…`).') }),
  },
  'number.quality_changed': {
    summary: 'Meta changed a number\u2019s quality rating or messaging tier (`phone_number_quality_update`); the messaging limit follows the tier unless the operator set one.',
    data: object({
      ...NUMBER_REF, event: id('Meta\u2019s event: UPGRADE, DOWNGRADE, FLAGGED, UNFLAGGED, ONBOARDING, THROUGHPUT_UPGRADE.'),
      quality_rating: nullable('GREEN, YELLOW, RED or UNKNOWN; null when Meta never said.'),
      messaging_tier: nullable('TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED …; null when never set.'),
      previous_messaging_tier: nullable('The tier before this change.'),
    }),
  },
  'account.restricted': {
    summary: 'Meta restricted the number\u2019s WhatsApp Business account (`account_update`): matching sends are refused with account_restricted and queued ones wait.',
    data: object({
      ...NUMBER_REF, event: id('ACCOUNT_RESTRICTION, DISABLED_UPDATE or ACCOUNT_OFFBOARDED.'),
      restriction_types: { type: 'array', items: { type: 'string' }, description: 'RESTRICTED_BIZ_INITIATED_MESSAGING, RESTRICTED_CUSTOMER_INITIATED_MESSAGING …' },
      until: nullable('When the restriction ends (ISO 8601); null = until Meta lifts it.'),
    }),
  },
  'account.restriction_lifted': {
    summary: 'Meta lifted the restriction: sending resumed.',
    data: object({ ...NUMBER_REF, event: id('The `account_update` event that lifted it.') }),
  },
  'account.violation': {
    summary: 'Meta reported a policy violation on the account (`ACCOUNT_VIOLATION`); sending goes on.',
    data: object({ ...NUMBER_REF, violation_type: id('Meta\u2019s violation type.') }),
  },
  'template.quality_changed': {
    summary: 'Meta changed a template\u2019s quality score; a pause follows as template.status.',
    data: object({ ...TEMPLATE_REF, previous_quality: nullable('The score before.'), quality: id('GREEN, YELLOW, RED or UNKNOWN.') }),
  },
  'template.category_changed': {
    summary: 'Meta changed a template\u2019s category, or gave notice that it will (`upcoming_category`).',
    data: object({
      ...TEMPLATE_REF, previous_category: nullable('The category before; null for a notice.'), category: id('The category now.'),
      upcoming_category: nullable('The category Meta will switch to; null when the change is done.'),
      upcoming_at: nullable('When it will switch (ISO 8601); null when unknown or done.'),
    }),
  },
  'endpoint.disabled': {
    summary: 'One of the account\u2019s webhook endpoints was disabled after failing for too long.',
    data: object({
      endpoint_id: id('The disabled endpoint (`ep_…`).'),
      url: id('Its URL.'),
      reason: id('Why it was disabled.'),
      failing_since: { type: ['string', 'null'], format: 'date-time', description: 'When its failures began.' },
    }),
  },
  'message.canceled': {
    summary: 'A message was canceled before it was handed to Meta (DELETE /v1/messages/{id} or POST /v1/messages/cancel); its credit reservation was refunded.',
    data: messageData({ message_id: MESSAGE_OUTCOME.message_id, to: MESSAGE_OUTCOME.to }),
  },
  'message.failover': {
    summary: 'WhatsApp could not reach the recipient (a failure such as meta/131026, or no `delivered` within `failover.after_seconds`): the failover SMS was queued as its own message (`sms_message_id`, whose events follow), or could not go (`status: refused`, `error`).',
    data: messageData({
      message_id: MESSAGE_OUTCOME.message_id, to: MESSAGE_OUTCOME.to,
      channel: { type: 'string', const: 'sms', description: 'The channel failed over to.' },
      status: { type: 'string', enum: ['triggered', 'refused'], description: 'Whether the SMS was queued.' },
      reason: { type: 'string', enum: ['whatsapp_failed', 'not_delivered_in_time'], description: 'What triggered it.' },
      sms_message_id: nullable('The SMS message (`msg_…`); null when refused.'),
      error: { type: ['object', 'null'], additionalProperties: true, description: 'Why it could not go; null when queued.' },
    }),
  },
  [TEST_EVENT_TYPE]: {
    summary: 'The example event of POST /v1/webhooks/{id}/test.',
    data: object({ endpoint_id: id('The endpoint tested (`ep_…`).'), message: id('A fixed explanation.') }),
  },
};

/** The body of one post of `type`: what a receiver can validate against. */
export function eventSchema(type: DocumentedType) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'timestamp', 'data'],
    properties: { type: { type: 'string', const: type }, timestamp: { type: 'string', format: 'date-time', description: 'When the event happened.' }, data: EVENT_DOCS[type].data },
  };
}

export const DOCUMENTED_EVENT_TYPES = Object.keys(EVENT_DOCS) as DocumentedType[];

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
  name, in: 'header', required: true, schema: { type: 'string' }, description: 'Standard Webhooks signature header (webhook-id is the event id, for dedupe).',
}));

/** OpenAPI's `webhooks` object: one POST per event type. */
// The cast: openapi-types' 3.1 path item mixes in 3.0 schema types that its own 3.1 schemas do not satisfy.
export const EVENT_WEBHOOKS = Object.fromEntries(
  DOCUMENTED_EVENT_TYPES.map((type) => [
    type,
    {
      post: {
        operationId: `event ${type}`,
        summary: EVENT_DOCS[type].summary,
        parameters: SIGNATURE_HEADERS,
        requestBody: { required: true, content: { 'application/json': { schema: eventSchema(type) } } },
        responses: { '2XX': { description: 'Received: any 2xx ends the retries.' } },
      },
    },
  ]),
) as OpenAPIV3_1.Document['webhooks'];

