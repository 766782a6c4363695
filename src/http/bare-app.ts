/** A Fastify instance for the small surfaces (probes, metrics): request ids and problem+json for every error, no routes yet. */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { answerClientError, renderFrameworkError } from './plugins/framework-errors.js';
import { problemPlugin } from './plugins/problem.js';
import { generateRequestId, requestIdPlugin } from './plugins/request-id.js';
import { PROBLEM_SCHEMA } from './schemas/problem.js';

export type AppLogger = false | { readonly level: string };

export function buildBareApp(logger: AppLogger | undefined): FastifyInstance {
  const app = Fastify({
    logger: logger === undefined || logger === false ? false : { level: logger.level },
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: generateRequestId,
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: answerClientError,
  });
  requestIdPlugin(app);
  problemPlugin(app);
  app.addSchema(PROBLEM_SCHEMA);
  return app;
}
