/** `POST /{version}/{phone-number-id}/messages`: sends and read marks. */
import type { FastifyInstance } from 'fastify';
import { sendMessage } from '../send-message.js';
import type { SimCore } from '../sim-core.js';
import { answer, answerBroken, callerOf } from './graph-scope.js';

export function registerMessageRoutes(app: FastifyInstance, core: SimCore): void {
  app.post('/:phoneNumberId/messages', async function postMessage(request, reply) {
    const { phoneNumberId } = request.params as { phoneNumberId: string };
    const result = sendMessage(core, callerOf(request), phoneNumberId, request.body);
    if (result.broken) return answerBroken(core, request, reply, result, result.broken);
    return answer(request, reply, result);
  });
}
