/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: every backend this process's role needs
 * answers too; which ones is the composition root's choice).
 */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { Store } from '../../store/store.js';
import { errorResponses } from '../schemas/problem.js';

/**
 * One backend `/readyz` asks: `ok: false` (or a throw) makes the process not ready, with the reason shown. `details`
 * (part name → state, e.g. each SMS connector's bind) are shown under the check's name, ready or not.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ readonly ok: boolean; readonly reason?: string; readonly details?: Readonly<Record<string, string>> }>;
}

interface CheckAnswer {
  readonly name: string;
  readonly failure?: string;
  readonly details?: Readonly<Record<string, string>>;
}

export function storeReadiness(store: Pick<Store, 'ping'>): ReadinessCheck {
  return {
    name: 'store',
    async check() {
      return (await store.ping()) ? { ok: true } : { ok: false, reason: 'does not answer' };
    },
  };
}

const STATUS = { type: 'object', properties: { status: { type: 'string' } } } as const;
const DETAILS = { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string' } } } as const;
const READY = {
  type: 'object', properties: { status: { type: 'string' }, checked: { type: 'array', items: { type: 'string' } }, details: DETAILS },
} as const;

async function answerOf(check: ReadinessCheck): Promise<CheckAnswer> {
  try {
    const answer = await check.check();
    return { name: check.name, ...(answer.ok ? {} : { failure: answer.reason ?? 'not ready' }), ...(answer.details ? { details: answer.details } : {}) };
  } catch (error) {
    return { name: check.name, failure: error instanceof Error ? error.message : String(error) };
  }
}

function detailsOf(answers: readonly CheckAnswer[]): Record<string, Readonly<Record<string, string>>> | undefined {
  const withDetails = answers.filter((a) => a.details !== undefined);
  return withDetails.length === 0 ? undefined : Object.fromEntries(withDetails.map((a) => [a.name, a.details!]));
}

export function healthRoutes(app: FastifyInstance, deps: { checks: readonly ReadinessCheck[] }): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: STATUS } } }, async function live() {
    return { status: 'ok' };
  });
  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Readiness: every backend this process needs answers', response: { 200: READY, ...errorResponses(['service_unavailable']) } } },
    async function ready() {
      const answers = await Promise.all(deps.checks.map(answerOf));
      const failures = answers.filter((a) => a.failure !== undefined);
      const details = detailsOf(answers);
      if (failures.length > 0) {
        throw gatewayError('service_unavailable', {
          detail: `Not ready: ${failures.map((f) => `${f.name} (${f.failure})`).join(', ')}.`,
          extensions: { failing: failures.map((f) => f.name), ...(details ? { details } : {}) },
        });
      }
      return { status: 'ready', checked: deps.checks.map((c) => c.name), ...(details ? { details } : {}) };
    },
  );
}
