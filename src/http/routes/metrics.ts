/** GET /metrics: this process's Prometheus metrics (observability/metrics.ts) in the text exposition format. */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';

export interface MetricsRouteDeps {
  readonly registry: Pick<Registry, 'contentType' | 'metrics'>;
  /** Inside the admin scope on the API's port; without a key on the metrics listener. */
  readonly needsAdminKey: boolean;
}

export function metricsRoutes(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.get('/metrics', {
    schema: {
      tags: ['operations'], summary: 'Prometheus metrics of this process (docs/observability.md)',
      response: { 200: { type: 'string' }, ...(deps.needsAdminKey ? errorResponses(AUTH_ERRORS) : {}) },
    },
  }, async function exposeMetrics(_request, reply) {
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}
