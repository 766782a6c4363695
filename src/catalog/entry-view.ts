/**
 * A catalog entry as customers read it, over HTTP (/v1/errors) and from the CLI (--json): in snake_case like every
 * other field of the API, with the link to itself and whether its errors are worth retrying.
 */
import { isRetryable, type Alias, type CatalogEntry, type RetryHint } from './entry.js';
import { problemType } from './problem.js';

function retryView(r: RetryHint) {
  return {
    class: r.class,
    ...(r.delaySeconds === undefined ? {} : { delay_seconds: r.delaySeconds }),
    ...(r.backoff === undefined ? {} : { backoff: { base_seconds: r.backoff.baseSeconds, factor: r.backoff.factor } }),
  };
}

function aliasView(a: Alias) {
  return {
    source: a.source,
    kind: a.kind,
    ...(a.code === undefined ? {} : { code: a.code }),
    label: a.label,
    ...(a.httpStatus === undefined ? {} : { http_status: a.httpStatus }),
    ...(a.conflict === undefined ? {} : { conflict: a.conflict }),
  };
}

export function entryView(e: CatalogEntry) {
  return {
    namespace: e.namespace,
    code: e.code,
    title: e.title,
    meaning: e.meaning,
    http_status: e.httpStatus,
    retry: retryView(e.retry),
    retryable: isRetryable(e.retry),
    action: e.action,
    type: problemType(e.namespace, e.code),
    docs: e.docs,
    aliases: e.aliases.map(aliasView),
    ...(e.arrives === undefined ? {} : { arrives: e.arrives }),
    graph_code: e.graphCode,
    ...(e.success === undefined ? {} : { success: e.success }),
    ...(e.retired === undefined ? {} : { retired: e.retired }),
  };
}
