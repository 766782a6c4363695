/** What every Graph request goes through before its route: version check, outage, bearer token, app call limit; and the request log after. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { outageApplies, outageCode, outageHtml, type BrokenSend } from '../faults.js';
import { checkToken, readBearer } from '../rules/auth.js';
import { countCall } from '../rules/call-window.js';
import { reject } from '../rules/outcome.js';
import { graphFailure, type GraphResult } from '../graph-result.js';
import type { SimCore } from '../sim-core.js';

const VERSION = /^v\d{1,2}\.\d$/;

interface RequestNote {
  wabaId?: string;
  code?: number;
  /** A slow-answers outage: the answer waits this long after the request was handled. */
  delayMs?: number;
  /** Already in the request log (recorded before an answer that may never reach the client). */
  recorded?: boolean;
}

const notes = new WeakMap<object, RequestNote>();

/** The business whose token authorised this request (set by the scope's onRequest hook). */
export function callerOf(request: FastifyRequest): string {
  const wabaId = notes.get(request.raw)?.wabaId;
  if (wabaId === undefined) throw new Error('graph route reached without an authenticated caller');
  return wabaId;
}

function noteOf(request: FastifyRequest): RequestNote {
  const note = notes.get(request.raw) ?? {};
  notes.set(request.raw, note);
  return note;
}

export function answer(request: FastifyRequest, reply: FastifyReply, result: GraphResult): FastifyReply {
  if (result.code !== undefined) noteOf(request).code = result.code;
  return reply.code(result.status).send(result.body);
}

function recordRequest(core: SimCore, request: FastifyRequest, status: number): void {
  const note = noteOf(request);
  if (note.recorded) return;
  note.recorded = true;
  const body = request.isMultipart() ? undefined : request.body;
  core.record({
    at: core.clock.now(),
    method: request.method,
    path: request.url,
    status,
    ...(body === undefined ? {} : { body }),
    ...(note.code === undefined ? {} : { error: note.code }),
  });
}

/**
 * Plays an answer an injected fault breaks. The request is logged first, as Meta would have it (200 when the message
 * was accepted, 0 when not), because the client may never see an answer: then the connection is reset, or the answer
 * comes after `delayMs` to whoever is still listening.
 */
export async function answerBroken(core: SimCore, request: FastifyRequest, reply: FastifyReply, result: GraphResult, broken: BrokenSend): Promise<FastifyReply> {
  recordRequest(core, request, result.status);
  if (broken.answer === 'reset') {
    reply.hijack();
    request.raw.socket.resetAndDestroy();
    return reply;
  }
  await sleep(broken.delayMs);
  if (result.status !== 0) return answer(request, reply, result);
  return answer(request, reply, graphFailure(core, reject(131000)));
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
        // The answer is slow, not the service: the request is handled now (so a client that gives up meanwhile still
        // had its message accepted) and only its answer waits (onSend below).
        noteOf(request).delayMs = outage.delayMs;
      } else if (outage.body === 'html') {
        return reply.code(outage.status).type('text/html').send(outageHtml(outage.status));
      } else {
        return answer(request, reply, graphFailure(core, reject(outageCode(outage.status), 'The service is temporarily unavailable.'), outage.status));
      }
    }
    const token = checkToken(readBearer(request.headers.authorization), core.state.tokens.get(readBearer(request.headers.authorization) ?? ''), now);
    if (token.kind === 'reject') return answer(request, reply, graphFailure(core, token));
    noteOf(request).wabaId = token.wabaId;
    const app = countCall(core.state.appCalls, now, core.appCallsPerHour, 4);
    core.state.appCalls = app.window;
    if (app.outcome.kind === 'reject') return answer(request, reply, graphFailure(core, app.outcome));
    return undefined;
  });

  app.addHook('onSend', async function delaySlowAnswer(request, reply) {
    const delayMs = notes.get(request.raw)?.delayMs;
    if (delayMs === undefined) return;
    recordRequest(core, request, reply.statusCode);
    await sleep(delayMs);
  });

  app.addHook('onResponse', async function recordGraphRequest(request, reply) {
    recordRequest(core, request, reply.statusCode);
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
