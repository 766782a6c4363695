/** Builds and starts the simulator: a Fastify server with the Graph routes under any `vNN.N` prefix and the `/_sim` admin API. */
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { createAdmin } from './admin.js';
import { readScenario } from './scenario.js';
import { SimCore } from './sim-core.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerContactRoutes } from './routes/contacts.js';
import { registerBlockUserRoutes } from './routes/block-users.js';
import { registerGraphScope } from './routes/graph-scope.js';
import { registerMediaRoutes } from './routes/media.js';
import { registerMessageRoutes } from './routes/messages.js';
import { registerObjectRoutes } from './routes/objects.js';
import { registerPhoneNumberRoutes } from './routes/phone-numbers.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { MAX_UPLOAD_BYTES } from './rules/media.js';
import { reject } from './rules/outcome.js';
import { graphFailure } from './graph-result.js';
import type { RunningSimulator, SimulatorAdmin, SimulatorOptions } from './types.js';

export interface BuiltSimulator {
  readonly app: FastifyInstance;
  readonly admin: SimulatorAdmin;
  readonly core: SimCore;
}

/** The app, not listening (STYLE §8): tests and `startSimulator` decide where it listens. */
export function buildSimulator(options: SimulatorOptions = {}, baseUrl: () => string = () => ''): BuiltSimulator {
  const core = new SimCore(options);
  const admin = createAdmin(core);
  const app = Fastify({
    logger: options.logger ?? false,
    // A `timeout` outage holds requests forever; closing must still end them.
    forceCloseConnections: true,
    bodyLimit: 3 * 1024 * 1024,
  });
  app.addContentTypeParser(['text/yaml', 'application/yaml', 'text/plain'], { parseAs: 'string' }, (_req, text, done) => done(null, text));
  registerAdminRoutes(app, core, admin);
  void app.register(
    async function graphApi(graph) {
      await graph.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
      registerGraphScope(graph, core);
      registerMessageRoutes(graph, core);
      registerMediaRoutes(graph, core);
      registerTemplateRoutes(graph, core);
      registerContactRoutes(graph, core);
      registerBlockUserRoutes(graph, core);
      registerPhoneNumberRoutes(graph, core);
      registerObjectRoutes(graph, core, baseUrl);
    },
    { prefix: '/:version' },
  );
  // Bodies Graph cannot read are its 100; anything else that escapes a route is Meta's "something went wrong".
  app.setErrorHandler(function answerUnexpected(error: { statusCode?: number; message: string }, request, reply) {
    const clientError = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500;
    if (!clientError) request.log.error(error);
    const failure = graphFailure(core, clientError ? reject(100, `Invalid parameter: ${error.message}`) : reject(131000));
    void reply.code(failure.status).send(failure.body);
  });
  app.setNotFoundHandler(function answerUnknownPath(request, reply) {
    const unknown = graphFailure(core, reject(100, `Unknown path components: ${request.method} ${request.url}`));
    void reply.code(unknown.status).send(unknown.body);
  });
  return { app, admin, core };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  let url = '';
  const { app, admin, core } = buildSimulator(options, () => url);
  if (options.scenario !== undefined) {
    admin.loadScenario(typeof options.scenario === 'string' ? await readScenario(options.scenario) : options.scenario);
  }
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator did not get a TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;
  return {
    url,
    admin,
    async close() {
      await core.webhooks.close();
      await app.close();
    },
  };
}
