/** Meta's own error shapes: the Graph `{error:{…}}` body and the `{code,title,…}` objects of webhooks and On-Premises `errors[]`. */
import type { Namespace } from '../entry.js';
import { findEntry } from '../catalog.js';
import { asCode, asObject, asText, type JsonObject, type Reading } from './reading.js';

export type MetaNamespace = Extract<Namespace, 'meta' | 'onprem'>;

/** Graph answers: Meta says to branch on `code` (and read `error_data.details`), never on the HTTP status or subcode. */
export function readGraphBody(body: JsonObject): Reading | undefined {
  const error = asObject(body.error);
  const code = asCode(error?.code);
  if (error === undefined || code === undefined) return undefined;
  const message = asText(error.message);
  const details = asText(asObject(error.error_data)?.details);
  return {
    entry: findEntry('meta', code),
    detail: details ?? message,
    upstream: {
      code,
      subcode: asCode(error.error_subcode),
      message,
      details,
      fbtraceId: asText(error.fbtrace_id),
      payload: body,
    },
  };
}

/**
 * One `{code,title,message,error_data:{details},href}` object (Cloud API webhooks) or `{code,title,details}` (On-Premises).
 * `namespaces` are tried in order, so a caller unsure which API sent the object can let Meta's reading lead.
 */
export function readErrorObject(value: unknown, namespaces: readonly MetaNamespace[]): Reading | undefined {
  const error = asObject(value);
  const code = asCode(error?.code);
  if (error === undefined || code === undefined) return undefined;
  const message = asText(error.message) ?? asText(error.title);
  const details = asText(asObject(error.error_data)?.details) ?? asText(error.details);
  return {
    entry: namespaces.map((namespace) => findEntry(namespace, code)).find((entry) => entry !== undefined),
    detail: details ?? message,
    upstream: { code, message, details, payload: value },
  };
}

/** On-Premises REST answers carry `errors[]` (beside a `meta` block of api_status and version); the first error leads. */
export function readOnPremBody(body: JsonObject): Reading | undefined {
  const errors = body.errors;
  const reading = Array.isArray(errors) ? readErrorObject(errors[0], ['onprem']) : undefined;
  return reading && { ...reading, upstream: { ...reading.upstream, payload: body } };
}
