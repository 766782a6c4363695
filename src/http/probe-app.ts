/**
 * The HTTP surface of a process that serves no API (the `worker` role): `/healthz` and `/readyz` for the orchestrator,
 * every other path answered 404 problem+json, so nothing can be sent or changed through it.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { answerClientError, renderFrameworkError } from './plugins/framework-errors.js';
import { problemPlugin } from './plugins/problem.js';
import { generateRequestId, requestIdPlugin } from './plugins/request-id.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { PROBLEM_SCHEMA } from './schemas/problem.js';

export interface ProbeAppDeps {
  readonly readiness: readonly ReadinessCheck[];
  readonly logger?: false | { readonly level: string };
}

export function buildProbeApp(deps: ProbeAppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger === undefined || deps.logger === false ? false : { level: deps.logger.level },
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: generateRequestId,
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: answerClientError,
  });
  requestIdPlugin(app);
  problemPlugin(app);
  app.addSchema(PROBLEM_SCHEMA);
  healthRoutes(app, { checks: deps.readiness });
  return app;
}
