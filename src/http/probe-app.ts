/**
 * The HTTP surface of a process that serves no API (the `worker` role): `/healthz` and `/readyz` for the orchestrator,
 * `/metrics` for an admin key, every other path answered 404 problem+json, so nothing can be sent or changed through it.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildBareApp, type AppLogger } from './bare-app.js';
import { authDecorations, authenticate, type AuthOptions } from './plugins/auth.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';

export interface ProbeAppDeps {
  readonly readiness: readonly ReadinessCheck[];
  readonly logger?: AppLogger;
  /** This process's metrics and how admin keys are checked; absent = no /metrics here. */
  readonly metrics?: { readonly registry: Pick<Registry, 'contentType' | 'metrics'>; readonly auth: Omit<AuthOptions, 'kind'> };
}

export async function buildProbeApp(deps: ProbeAppDeps): Promise<FastifyInstance> {
  const app = buildBareApp(deps.logger);
  healthRoutes(app, { checks: deps.readiness });
  const metrics = deps.metrics;
  if (metrics) {
    authDecorations(app);
    await app.register(async function adminScope(scope) {
      scope.addHook('onRequest', authenticate({ ...metrics.auth, kind: 'admin' }));
      metricsRoutes(scope, { registry: metrics.registry, needsAdminKey: true });
    });
  }
  return app;
}
