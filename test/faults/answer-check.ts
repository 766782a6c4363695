/**
 * What every answer of the gateway must be, whatever was sent: below 500 unless the catalog says the service itself is
 * unavailable, and every error problem+json with a catalog code (Graph's error shape on the Cloud-API routes), naming
 * no framework internals and carrying no stack trace.
 */
import { findEntry } from '../../src/catalog/catalog.js';
import type { Namespace } from '../../src/catalog/entry.js';
import type { FaultAnswer } from './fault-http.js';

export type Violation = '5xx' | 'not problem+json' | 'unknown catalog code' | 'framework internals' | 'no answer';

const INTERNALS = [/FST_[A-Z_]+/, /\n\s+at .+\(.+:\d+:\d+\)/, /node_modules/, /Fastify/];

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The catalog entry an error answer names, or the reason it names none. */
function errorEntry(answer: FaultAnswer, method: string): { code: string } | Violation {
  const body = parse(answer.text);
  if (answer.contentType.startsWith('application/problem+json')) {
    if (method === 'HEAD') return { code: '(head)' };
    const entry = body ? findEntry(String(body['namespace']) as Namespace, body['code'] as string | number) : undefined;
    return entry ? { code: `${entry.namespace}/${entry.code}` } : 'unknown catalog code';
  }
  const graph = body?.['error'] as { code?: unknown; fbtrace_id?: unknown } | undefined;
  if (answer.contentType.startsWith('application/json') && typeof graph?.code === 'number' && typeof graph.fbtrace_id === 'string') return { code: `graph/${graph.code}` };
  if (method === 'HEAD' && answer.contentType.startsWith('application/json')) return { code: '(head)' };
  return 'not problem+json';
}

/**
 * A 502, 503 or 504 named by a catalog code tells the truth about a dependency (no upstream configured, the upstream
 * unreachable): not a fault of the gateway. A 500, or any 5xx without a catalog code, is.
 */
export function isHonestUnavailability(status: number, code: string | undefined): boolean {
  return code !== undefined && [502, 503, 504].includes(status);
}

/** The violations of one answer (empty when it is as it must be), and the catalog code it carried. */
export function checkAnswer(answer: FaultAnswer, method: string): { violations: Violation[]; code: string | undefined } {
  if (answer.status < 400) return { violations: [], code: undefined };
  const violations: Violation[] = [];
  const entry = errorEntry(answer, method);
  const code = typeof entry === 'string' ? undefined : entry.code;
  if (typeof entry === 'string') violations.push(entry);
  if (answer.status >= 500 && !isHonestUnavailability(answer.status, code)) violations.push('5xx');
  if (INTERNALS.some((pattern) => pattern.test(answer.text))) violations.push('framework internals');
  return { violations, code };
}
