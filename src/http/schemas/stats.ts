/** Response schemas of the dashboard's aggregate reads (/v1/stats/*, a message's history): they feed the OpenAPI document. */
import { MESSAGE_STATES } from '../../domain/message-state.js';
import { MESSAGE_VIEW_SCHEMA } from './message.js';
import { integerField } from './numbers.js';

const ERROR_SUMMARY = {
  type: 'object',
  additionalProperties: true,
  description: 'A catalog entry: `type` links to its page (meaning, retry class, action).',
  properties: {
    namespace: { type: 'string' }, code: { type: ['string', 'integer'] }, title: { type: 'string' }, type: { type: 'string' },
    retryable: { type: 'boolean' }, action: { type: 'string' }, detail: { type: 'string' },
  },
} as const;

const SERIES = {
  type: 'array',
  description: 'One point per bucket of the period, oldest first; empty buckets included.',
  items: {
    type: 'object',
    properties: { at: { type: 'string', description: 'Start of the bucket (ISO 8601)' }, counts: { type: 'object', additionalProperties: { type: 'integer' } } },
  },
} as const;

const PERIOD = {
  since: { type: 'string' }, until: { type: 'string' }, bucket_seconds: { type: 'integer' },
} as const;

export const STATS_QUERY = {
  type: 'object',
  properties: {
    since: { type: 'string', description: 'ISO 8601, inclusive; default: `period_seconds` before `until`' },
    until: { type: 'string', description: 'ISO 8601, exclusive; default: the end of the current bucket' },
    period_seconds: integerField(60, 2_678_400, { description: 'Length of the period when `since` is left out (default 3600)' }),
    bucket_seconds: integerField(10, 86_400, { description: 'Width of one bucket (default 60)' }),
    account_id: { type: 'string', description: 'Admin keys: one account only (default: every account). Account keys read their own.' },
  },
} as const;

export const ACCOUNT_FILTER_QUERY = { type: 'object', properties: { account_id: STATS_QUERY.properties.account_id } } as const;

export const MESSAGE_STATS_SCHEMA = {
  type: 'object',
  properties: {
    ...PERIOD,
    series: { ...SERIES, description: 'Messages created in each bucket, by the status they are in now.' },
    funnel: {
      type: 'object',
      description: 'Messages of the period that reached each state: every message was accepted, a read one was sent and delivered too; a failed, canceled or still scheduled one counts as accepted and in its own state only.',
      properties: Object.fromEntries(MESSAGE_STATES.map((state) => [state, { type: 'integer' }])),
    },
  },
} as const;

export const ERROR_STATS_SCHEMA = {
  type: 'object',
  properties: {
    ...PERIOD,
    series: { ...SERIES, description: 'Failed messages created in each bucket, by `namespace/code` of their error.' },
    codes: { type: 'array', items: { ...ERROR_SUMMARY, properties: { ...ERROR_SUMMARY.properties, key: { type: 'string' }, count: { type: 'integer' } } } },
    preflight: {
      type: ['object', 'null'],
      description: 'Admin keys only (null otherwise): refusals are not stored, so they are this process\u2019s counts since it started, every account.',
      properties: {
        scope: { type: 'string', enum: ['process'] }, refused: { type: 'integer' }, failed_after_accept: { type: 'integer' },
        share: { type: ['number', 'null'], description: 'refused / (refused + failed after accept)' },
        by_code: { type: 'array', items: { ...ERROR_SUMMARY, properties: { ...ERROR_SUMMARY.properties, count: { type: 'integer' } } } },
      },
    },
  },
} as const;

export const QUEUE_STATS_SCHEMA = {
  type: 'object',
  properties: {
    numbers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          number_id: { type: 'string' }, account_id: { type: ['string', 'null'] }, display_phone_number: { type: 'string' }, registration: { type: 'string' },
          state: { type: 'string', enum: ['sending', 'paused', 'parked'], description: 'paused: needs new credentials; parked: told to wait until `held_until`' },
          held_until: { type: ['string', 'null'] }, reason: { anyOf: [ERROR_SUMMARY, { type: 'null' }] },
          queue_depth: { type: 'integer' }, oldest_due_at: { type: ['string', 'null'], description: 'The answer names times, not ages, so it changes only when the queue does (and a poll can get 304).' },
          sent_last_minute: { type: 'integer' }, throughput_per_second: { type: 'number' }, max_mps: { type: 'number', description: 'The configured limit' },
        },
      },
    },
    circuits: {
      type: ['array', 'null'],
      description: 'This process\u2019s circuit breaker per upstream host; null when the process keeps no metrics.',
      items: { type: 'object', properties: { host: { type: 'string' }, open: { type: 'boolean' } } },
    },
    webhooks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          endpoint_id: { type: 'string' }, account_id: { type: 'string' }, url: { type: 'string' }, enabled: { type: 'boolean' },
          backlog: { type: 'integer' }, attempts_last_day: { type: 'integer' }, delivered_last_day: { type: 'integer' },
          success_rate: { type: ['number', 'null'] },
        },
      },
    },
  },
} as const;

export const MESSAGE_HISTORY_SCHEMA = {
  type: 'object',
  properties: {
    message: MESSAGE_VIEW_SCHEMA,
    pending: {
      type: ['object', 'null'],
      description: 'While the message waits in the outbox: upstream calls made so far (the last one\u2019s answer is `message.error`) and when the next is due; null once it left.',
      properties: { upstream_attempts: { type: 'integer' }, first_attempt_at: { type: ['string', 'null'] }, next_attempt_at: { type: 'string' } },
    },
    events: {
      type: 'array',
      description: 'The message\u2019s events, oldest first; a `message.failed` event carries the upstream\u2019s answer.',
      items: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, at: { type: 'string' }, data: { type: 'object', additionalProperties: true } } },
    },
    webhook_attempts: {
      type: 'array',
      description: 'Every post of those events to the account\u2019s webhook endpoints, oldest first.',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, endpoint_id: { type: 'string' }, event_id: { type: 'string' }, trigger: { type: 'string' }, outcome: { type: 'string' },
          status_code: { type: ['integer', 'null'] }, duration_ms: { type: 'integer' }, response_excerpt: { type: ['string', 'null'] }, at: { type: 'string' },
        },
      },
    },
  },
} as const;
