/** A stored error as customers read it, in a message's REST view and in its events alike: one shape, from the catalog. */
import { findEntry } from './catalog.js';
import { isRetryable, type Namespace } from './entry.js';
import { problemType } from './problem.js';

export interface StoredError {
  readonly namespace: string;
  readonly code: number | string;
  readonly detail?: string | null;
}

export interface ErrorSummary {
  readonly namespace: string;
  readonly code: number | string;
  readonly type: string;
  readonly title?: string;
  readonly retryable?: boolean;
  readonly action?: string;
  readonly detail?: string;
}

export function errorSummary(error: StoredError): ErrorSummary {
  const entry = findEntry(error.namespace as Namespace, error.code);
  return {
    namespace: error.namespace,
    code: error.code,
    type: problemType(error.namespace as Namespace, error.code),
    ...(entry ? { title: entry.title, retryable: isRetryable(entry.retry), action: entry.action } : {}),
    ...(error.detail ? { detail: error.detail } : {}),
  };
}
