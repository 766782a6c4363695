/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers too). */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { Store } from '../../store/store.js';
import { errorResponses } from '../schemas/problem.js';

const STATUS = { type: 'object', properties: { status: { type: 'string' } } } as const;

export function healthRoutes(app: FastifyInstance, deps: { store: Store }): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: STATUS } } }, async function live() {
    return { status: 'ok' };
  });
  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Readiness: the store answers', response: { 200: STATUS, ...errorResponses(['service_unavailable']) } } },
    async function ready() {
      const ok = await deps.store.ping().catch(() => false);
      if (!ok) throw gatewayError('service_unavailable', { detail: 'The store does not answer.' });
      return { status: 'ready' };
    },
  );
}
