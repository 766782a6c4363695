/**
 * The metrics listener (`SWITCHBOARD_METRICS_PORT`): `/metrics` without a key, for a scraper on the same host or network,
 * every other path answered 404 problem+json. It binds to loopback unless the operator says otherwise.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildBareApp, type AppLogger } from './bare-app.js';
import { metricsRoutes } from './routes/metrics.js';

export function buildMetricsApp(deps: { readonly registry: Pick<Registry, 'contentType' | 'metrics'>; readonly logger?: AppLogger }): FastifyInstance {
  const app = buildBareApp(deps.logger);
  metricsRoutes(app, { registry: deps.registry, needsAdminKey: false });
  return app;
}
