/** What every Graph request goes through before its route: version check, outage, bearer token, app call limit; and the request log after. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { outageApplies, outageCode, outageHtml } from '../faults.js';
import { checkToken, readBearer } from '../rules/auth.js';
import { countCall } from '../rules/call-window.js';
import { reject } from '../rules/outcome.js';
import { graphFailure, type GraphResult } from '../graph-result.js';
import type { SimCore } from '../sim-core.js';

const VERSION = /^v\d{1,2}\.\d$/;

interface RequestNote {
  wabaId?: string;
  code?: number;
}

const notes = new WeakMap<object, RequestNote>();

/** The business whose token authorised this request (set by the scope's onRequest hook). */
export function callerOf(request: FastifyRequest): string {
  const wabaId = notes.get(request.raw)?.wabaId;
  if (wabaId === undefined) throw new Error('graph route reached without an authenticated caller');
  return wabaId;
}

export function answer(request: FastifyRequest, reply: FastifyReply, result: GraphResult): FastifyReply {
  if (result.code !== undefined) {
    const note = notes.get(request.raw) ?? {};
    note.code = result.code;
    notes.set(request.raw, note);
  }
  return reply.code(result.status).send(result.body);
}

export function registerGraphScope(app: FastifyInstance, core: SimCore): void {
  app.addHook('onRequest', async function admitGraphRequest(request, reply) {
    const version = (request.params as { version?: string }).version ?? '';
    if (!VERSION.test(version)) {
      return answer(request, reply, graphFailure(core, reject(100, `Unknown path components: ${version} is not a Graph API version.`)));
    }
    const now = core.clock.now();
    if (outageApplies(core.outage, request.url, now)) {
      const outage = core.outage;
      if (outage.body === 'timeout') {
        core.record({ at: now, method: request.method, path: request.url, status: 0 });
        // Never answer: the client's own timeout is what is being tested. Closing the server destroys the socket.
        return new Promise<never>(() => {});
      }
      if (outage.delayMs !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, outage.delayMs));
      } else if (outage.body === 'html') {
        return reply.code(outage.status).type('text/html').send(outageHtml(outage.status));
      } else {
        return answer(request, reply, graphFailure(core, reject(outageCode(outage.status), 'The service is temporarily unavailable.'), outage.status));
      }
    }
    const token = checkToken(readBearer(request.headers.authorization), core.state.tokens.get(readBearer(request.headers.authorization) ?? ''), now);
    if (token.kind === 'reject') return answer(request, reply, graphFailure(core, token));
    notes.set(request.raw, { wabaId: token.wabaId });
    const app = countCall(core.state.appCalls, now, core.appCallsPerHour, 4);
    core.state.appCalls = app.window;
    if (app.outcome.kind === 'reject') return answer(request, reply, graphFailure(core, app.outcome));
    return undefined;
  });

  app.addHook('onResponse', async function recordGraphRequest(request, reply) {
    const code = notes.get(request.raw)?.code;
    const body = request.isMultipart() ? undefined : request.body;
    core.record({
      at: core.clock.now(),
      method: request.method,
      path: request.url,
      status: reply.statusCode,
      ...(body === undefined ? {} : { body }),
      ...(code === undefined ? {} : { error: code }),
    });
  });
}

/** Management endpoints count against the business's hourly limit (80007): 200, or 5,000 once it has a registered number. */
export function countManagementCall(core: SimCore, wabaId: string): GraphResult | undefined {
  const business = core.state.requireBusiness(wabaId);
  const registered = [...core.state.numbers.values()].some((n) => n.wabaId === wabaId && n.registered);
  const limit = core.managementCallsPerHour ?? (registered ? 5_000 : 200);
  const counted = countCall(business.managementCalls, core.clock.now(), limit, 80007);
  business.managementCalls = counted.window;
  return counted.outcome.kind === 'reject' ? graphFailure(core, counted.outcome) : undefined;
}
