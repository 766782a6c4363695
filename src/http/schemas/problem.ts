/** The problem+json schema and the per-route error documentation, generated from catalog entries. */
import { gatewayEntry, graphHttpStatus, requireEntry } from '../../catalog/catalog.js';
import type { CatalogEntry } from '../../catalog/entry.js';
import type { GatewayCode } from '../../catalog/entries/gateway.js';

export const PROBLEM_SCHEMA = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details, from the error catalog (GET /v1/errors).',
  required: ['type', 'title', 'status', 'detail', 'code', 'namespace', 'retryable', 'action'],
  additionalProperties: true,
  properties: {
    type: { type: 'string', description: 'Link to the catalog entry: /v1/errors/{namespace}/{code}' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request id (also in the X-Request-Id header).' },
    code: { type: ['string', 'integer'] },
    namespace: { type: 'string', enum: ['meta', 'onprem', 'gateway', 'sms'] },
    retryable: { type: 'boolean' },
    retry_after: { type: 'integer', description: 'Seconds; also sent as Retry-After on 429 and 503.' },
    action: { type: 'string' },
    field: { type: 'string', description: 'The offending request field, e.g. `text.body` or `messages[3].to`.' },
    upstream: {
      type: 'object', additionalProperties: false, description: 'What the upstream answered, when the error came from it.',
      properties: {
        http_status: { type: 'integer' }, code: { type: ['integer', 'string'] }, subcode: { type: 'integer' }, message: { type: 'string' },
        details: { type: 'string' }, fbtrace_id: { type: 'string' }, payload: { description: 'Its body: JSON when it was JSON, else the text.' },
      },
    },
  },
} as const;

/** Every authenticated route can answer these. */
export const AUTH_ERRORS: readonly GatewayCode[] = [
  'missing_api_key', 'invalid_api_key', 'too_many_failed_auth', 'forbidden', 'account_disabled', 'account_expired', 'ip_not_allowed', 'rate_limited',
  'internal_error', 'store_unavailable',
];
export const BODY_ERRORS: readonly GatewayCode[] = ['malformed_json', 'invalid_request', 'missing_required_field', 'unsupported_content_type', 'payload_too_large', 'json_too_deep'];

type EntryRef = GatewayCode | readonly ['meta', number];

export function entryOf(ref: EntryRef): CatalogEntry {
  return typeof ref === 'string' ? gatewayEntry(ref) : requireEntry(ref[0], ref[1]);
}

/**
 * Response schemas for each status the entries can produce, describing which codes lead there; `graph` for the
 * Cloud-API-compatible routes, which answer in Graph's shape with Meta's status for each Graph code.
 */
export function errorResponses(refs: readonly EntryRef[], shape: 'problem' | 'graph' = 'problem'): Record<number, unknown> {
  const schemaRef = shape === 'graph' ? 'GraphError#' : 'Problem#';
  const statusOf = shape === 'graph' ? graphHttpStatus : (entry: CatalogEntry) => entry.httpStatus;
  const byStatus = new Map<number, CatalogEntry[]>();
  for (const entry of refs.map(entryOf)) byStatus.set(statusOf(entry), [...(byStatus.get(statusOf(entry)) ?? []), entry]);
  return Object.fromEntries(
    [...byStatus].map(([status, entries]) => [
      status,
      { description: entries.map((e) => `\`${e.namespace}/${e.code}\` ${e.title}`).join('; '), $ref: schemaRef },
    ]),
  );
}
