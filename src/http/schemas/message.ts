/** JSON schemas of the send request and of a stored message, as the native API shows them. */
import { PRICING_VIEW_SCHEMA } from './pricing.js';
import { MESSAGE_TYPES } from '../../domain/message.js';
import { PRIORITIES } from '../../domain/delivery.js';
import { MESSAGE_STATES } from '../../domain/message-state.js';
import { finiteNumberField, integerField } from './numbers.js';

const mediaObject = {
  type: 'object',
  description: 'Either `link` (http(s), encoded once) or `id` of an upload; the file type must fit the message type.',
  properties: { id: { type: 'string' }, link: { type: 'string' }, caption: { type: 'string' }, filename: { type: 'string' } },
} as const;

/** The message fields shared by the native API and Meta's body; ranges and lengths are checked by domain rules. */
export const MESSAGE_CONTENT_PROPERTIES = {
  to: { type: 'string', description: 'Recipient: a phone in international form, digits only, country code first (e.g. 4915112345678), or a business-scoped user id (e.g. US.13491208655302741918).' },
  type: { type: 'string', enum: [...MESSAGE_TYPES], description: 'Defaults to `text` when a `text` object is given.' },
  text: {
    type: 'object',
    properties: { body: { type: 'string', description: '1 to 4,096 characters.' }, preview_url: { type: 'boolean' } },
  },
  template: {
    type: 'object',
    description: 'An approved template: name, language (code or { code }) and components with parameters.',
    properties: {
      name: { type: 'string' },
      language: { description: '`en_US` or `{ "code": "en_US" }`' },
      components: { type: 'array', items: { type: 'object', additionalProperties: true } },
    },
  },
  image: mediaObject,
  audio: mediaObject,
  video: mediaObject,
  document: mediaObject,
  sticker: mediaObject,
  location: {
    type: 'object',
    properties: {
      latitude: finiteNumberField({ description: '−90..90' }),
      longitude: finiteNumberField({ description: '−180..180' }),
      name: { type: 'string' },
      address: { type: 'string' },
    },
  },
  contacts: { type: 'array', items: { type: 'object', additionalProperties: true } },
  interactive: { type: 'object', description: 'Buttons (1–3 replies), lists (≤ 10 rows), cta_url …', additionalProperties: true },
  reaction: { type: 'object', properties: { message_id: { type: 'string' }, emoji: { type: 'string' } } },
  context: { type: 'object', properties: { message_id: { type: 'string' } } },
  biz_opaque_callback_data: { type: 'string', description: 'Kept as the message\u2019s `client_ref` and echoed in every event about it (≤ 512 characters).', examples: ['order-8812'] },
} as const;

/** Delivery control on a send (domain/delivery.ts checks ranges, so that refusals carry catalog codes). */
export const DELIVERY_REQUEST_PROPERTIES = {
  send_at: { type: 'string', description: 'RFC 3339 time to send at, up to 35 days ahead; the message waits as `scheduled`.', examples: ['2030-01-15T09:00:00Z'] },
  // The range is the domain rule's, which answers `validity_out_of_range` rather than a schema error.
  validity_seconds: { ...finiteNumberField({ description: 'Not sent if still queued this long after it is due (1 to 2,592,000 whole seconds); ends `failed` with `expired`.' }), examples: [300] },
  expires_at: { type: 'string', description: 'RFC 3339 time after which it is not sent; instead of `validity_seconds`.', examples: ['2030-01-15T09:05:00Z'] },
  priority: { type: 'string', description: `Its lane on the number's queue: ${PRIORITIES.join(', ')} (default: the account's, normally \`normal\`).`, examples: ['high'] },
  client_ref: { type: 'string', description: 'Your reference (≤ 512 characters): echoed in every event, filterable in GET /v1/messages.', examples: ['order-8812'] },
  metadata: { type: 'object', additionalProperties: true, description: 'A small JSON object (≤ 2 KiB) echoed in every event about the message.', examples: [{ customer_id: 'c_42', campaign: 'spring' }] },
} as const;

/** The same fields as a stored message shows them. */
export const DELIVERY_VIEW_PROPERTIES = {
  priority: { type: 'string', enum: [...PRIORITIES] },
  send_at: { type: ['string', 'null'], examples: ['2030-01-15T09:00:00.000Z'] },
  expires_at: { type: ['string', 'null'], examples: ['2030-01-15T09:05:00.000Z'] },
  client_ref: { type: ['string', 'null'], examples: ['order-8812'] },
  metadata: { type: ['object', 'null'], additionalProperties: true, examples: [{ customer_id: 'c_42' }] },
} as const;

export const SEND_MESSAGE_BODY = {
  type: 'object',
  required: ['to'],
  additionalProperties: true,
  properties: {
    ...MESSAGE_CONTENT_PROPERTIES,
    ...DELIVERY_REQUEST_PROPERTIES,
    from: { type: 'string', description: 'Sending number (`num_…` or Meta phone_number_id); default: the account default number. With `channel: "sms"`: an SMS sender id the account may use (E.164 digits or up to 11 letters and digits); default: its first.' },
    channel: {
      type: 'string', enum: ['whatsapp', 'sms'], default: 'whatsapp',
      description: '`sms` sends `text.body` as an SMS through the routed SMS connector: segments counted (GSM-7 or UCS-2) and priced per segment (price category `sms`); refused before anything is stored when no route serves `to` (could_not_route), the route is not open to the account (route_not_allowed), the sender id is not allowed (invalid_sender, invalid_alphanumeric_sender) or the text needs too many segments.',
      examples: ['sms'],
    },
    failover: {
      type: 'object', required: ['channel', 'text'], additionalProperties: false,
      description: 'WhatsApp sends only: an SMS sent once instead when WhatsApp cannot reach the recipient (meta/131026, meta/131050, meta/130403, recipient_not_on_whatsapp) or, with `after_seconds`, when no `delivered` arrives in time. Its credit is reserved when it goes; `message.failover` tells the step, and the SMS is a message of its own (`failover.sms_message_id`).',
      properties: {
        channel: { type: 'string', enum: ['sms'] },
        text: { type: 'string', minLength: 1 },
        from: { type: 'string', description: 'SMS sender id; default: the account\u2019s first.' },
        after_seconds: integerField(1, 86_400),
      },
      examples: [{ channel: 'sms', text: 'Your code is 1234', after_seconds: 60 }],
    },
  },
} as const;

export const ACCEPTED_SCHEMA = {
  type: 'object',
  required: ['id', 'status'],
  properties: { id: { type: 'string', description: '`msg_…`' }, status: { type: 'string', enum: ['accepted'] } },
} as const;

export const MESSAGE_VIEW_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: [...MESSAGE_STATES] },
    to: { type: 'string' },
    number_id: { type: 'string' },
    type: { type: 'string', enum: [...MESSAGE_TYPES] },
    wamid: { type: ['string', 'null'], description: 'Meta\u2019s message id once the message was sent.' },
    timestamps: { type: 'object', description: 'When the message entered each state (ISO 8601).', additionalProperties: { type: 'string' } },
    error: {
      type: ['object', 'null'],
      additionalProperties: true,
      properties: {
        namespace: { type: 'string' }, code: { type: ['string', 'integer'] }, title: { type: 'string' }, type: { type: 'string' },
        detail: { type: 'string' }, retryable: { type: 'boolean' }, action: { type: 'string' },
      },
    },
    content: { type: 'object', additionalProperties: true, description: 'The Cloud API body Switchboard sends.' },
    created_at: { type: 'string' },
    pricing: PRICING_VIEW_SCHEMA,
    ...DELIVERY_VIEW_PROPERTIES,
    channel: { type: 'string', enum: ['whatsapp', 'sms'] },
    failover: {
      type: ['object', 'null'],
      description: 'The failover to SMS this message was sent with; null when none.',
      properties: {
        channel: { type: 'string', enum: ['sms'] },
        status: { type: 'string', enum: ['pending', 'triggered', 'not_needed', 'refused'] },
        after_seconds: { type: ['integer', 'null'] },
        sms_message_id: { type: ['string', 'null'], description: 'The SMS message it became (read it with GET /v1/messages/{id}).' },
        sms_status: { type: ['string', 'null'], enum: [...MESSAGE_STATES, null], description: 'That SMS\u2019s status now.' },
        error: { type: ['object', 'null'], additionalProperties: true },
      },
      examples: [{ channel: 'sms', status: 'triggered', after_seconds: null, sms_message_id: 'msg_01hq3v4k7m', sms_status: 'delivered', error: null }],
    },
  },
} as const;
