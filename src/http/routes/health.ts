/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: every backend this process's role needs
 * answers too; which ones is the composition root's choice).
 */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { Store } from '../../store/store.js';
import { errorResponses } from '../schemas/problem.js';

/** One backend `/readyz` asks: `ok: false` (or a throw) makes the process not ready, with the reason shown. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ readonly ok: boolean; readonly reason?: string }>;
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
const READY = { type: 'object', properties: { status: { type: 'string' }, checked: { type: 'array', items: { type: 'string' } } } } as const;

async function failureOf(check: ReadinessCheck): Promise<{ name: string; reason: string } | undefined> {
  try {
    const answer = await check.check();
    return answer.ok ? undefined : { name: check.name, reason: answer.reason ?? 'not ready' };
  } catch (error) {
    return { name: check.name, reason: error instanceof Error ? error.message : String(error) };
  }
}

export function healthRoutes(app: FastifyInstance, deps: { checks: readonly ReadinessCheck[] }): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: STATUS } } }, async function live() {
    return { status: 'ok' };
  });
  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Readiness: every backend this process needs answers', response: { 200: READY, ...errorResponses(['service_unavailable']) } } },
    async function ready() {
      const failures = (await Promise.all(deps.checks.map(failureOf))).filter((f) => f !== undefined);
      if (failures.length > 0) {
        throw gatewayError('service_unavailable', {
          detail: `Not ready: ${failures.map((f) => `${f.name} (${f.reason})`).join(', ')}.`,
          extensions: { failing: failures.map((f) => f.name) },
        });
      }
      return { status: 'ready', checked: deps.checks.map((c) => c.name) };
    },
  );
}
