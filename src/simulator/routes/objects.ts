/** `GET` and `DELETE /{version}/{object-id}`: the object is a media item or a phone number, as on Graph. */
import type { FastifyInstance } from 'fastify';
import { unknownObject, callerNumber, isRefusal } from '../graph-result.js';
import type { SimCore } from '../sim-core.js';
import { answer, callerOf } from './graph-scope.js';
import { callerMedia, deleteMedia, describeMedia } from './media.js';
import { describeNumber } from './phone-numbers.js';

export function registerObjectRoutes(app: FastifyInstance, core: SimCore, baseUrl: () => string): void {
  app.get('/:objectId', async function getObject(request, reply) {
    const { objectId } = request.params as { objectId: string };
    const caller = callerOf(request);
    const media = callerMedia(core, caller, objectId);
    if (media) return answer(request, reply, { status: 200, body: describeMedia(core, baseUrl(), media) });
    if (!core.state.numbers.has(objectId)) return answer(request, reply, unknownObject(core, objectId, 'get'));
    const number = callerNumber(core, caller, objectId);
    if (isRefusal(number)) return answer(request, reply, number);
    return answer(request, reply, { status: 200, body: describeNumber(number) });
  });

  app.delete('/:objectId', async function deleteObject(request, reply) {
    const { objectId } = request.params as { objectId: string };
    return answer(request, reply, deleteMedia(core, callerOf(request), objectId));
  });
}
