/**
 * `POST /{version}/{phone-number-id}/contacts`: the contact check BSPs and the On-Premises API answer ("valid" with
 * the wa_id, or "invalid"). A contact declared with `hasWhatsApp: false` is invalid; everyone else has WhatsApp.
 */
import type { FastifyInstance } from 'fastify';
import { callerNumber, graphFailure, isRefusal } from '../graph-result.js';
import { reject } from '../rules/outcome.js';
import type { SimCore } from '../sim-core.js';
import { answer, callerOf } from './graph-scope.js';

export function registerContactRoutes(app: FastifyInstance, core: SimCore): void {
  app.post('/:phoneNumberId/contacts', async function checkContacts(request, reply) {
    const { phoneNumberId } = request.params as { phoneNumberId: string };
    const number = callerNumber(core, callerOf(request), phoneNumberId);
    if (isRefusal(number)) return answer(request, reply, number);
    const body = (request.body ?? {}) as { contacts?: unknown };
    if (!Array.isArray(body.contacts) || body.contacts.some((c) => typeof c !== 'string'))
      return answer(request, reply, graphFailure(core, reject(131008, 'The parameter contacts is required: an array of phone numbers.')));
    const contacts = (body.contacts as string[]).map((input) => {
      const waId = input.replace(/\D/g, '');
      const known = core.state.contacts.get(waId);
      return known?.hasWhatsApp === false || waId.length < 6 ? { input, status: 'invalid' } : { input, status: 'valid', wa_id: waId };
    });
    return answer(request, reply, { status: 200, body: { contacts } });
  });
}
