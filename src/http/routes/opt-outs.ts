/** Opt-outs through the API (STOP keywords arrive through inbound webhooks): a contact listed here gets nothing. */
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { readRecipient, recipientAddress } from '../../domain/contact-identity.js';
import { accountOf } from '../plugins/auth.js';
import { AUTH_ERRORS, errorResponses } from '../schemas/problem.js';
import type { SendDeps } from '../../app/accept.js';

const OPT_OUT = { type: 'object', properties: { wa_id: { type: 'string' }, opted_out_at: { type: 'string' } } } as const;
const PARAMS = { type: 'object', required: ['waId'], properties: { waId: { type: 'string', description: 'The contact, international digits' } } } as const;

export function optOutRoutes(app: FastifyInstance, deps: SendDeps): void {
  app.get('/v1/opt-outs', {
    schema: { tags: ['opt-outs'], summary: 'Contacts who opted out', response: { 200: { type: 'object', properties: { data: { type: 'array', items: OPT_OUT } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listOptOuts(request) {
    const rows = await deps.store.listOptOuts(accountOf(request).id);
    return { data: rows.map((r) => ({ wa_id: r.waId, opted_out_at: new Date(r.optedOutAt).toISOString() })) };
  });

  app.put<{ Params: { waId: string } }>('/v1/opt-outs/:waId', {
    schema: { tags: ['opt-outs'], summary: 'Record that a contact opted out', params: PARAMS, response: { 200: OPT_OUT, ...errorResponses([...AUTH_ERRORS, 'invalid_phone_number', 'invalid_user_id']) } },
  }, async function recordOptOut(request) {
    const account = accountOf(request);
    const waId = recipientAddress(readRecipient(request.params.waId, 'waId'));
    await deps.store.recordOptOut(account.id, waId, deps.clock.now());
    return { wa_id: waId, opted_out_at: new Date((await deps.store.getOptOut(account.id, waId)) ?? deps.clock.now()).toISOString() };
  });

  app.delete<{ Params: { waId: string } }>('/v1/opt-outs/:waId', {
    schema: { tags: ['opt-outs'], summary: 'Opt a contact back in', params: PARAMS, response: { 204: { type: 'null' }, ...errorResponses([...AUTH_ERRORS, 'not_found', 'invalid_phone_number', 'invalid_user_id']) } },
  }, async function removeOptOut(request, reply) {
    const waId = recipientAddress(readRecipient(request.params.waId, 'waId'));
    if (!(await deps.store.removeOptOut(accountOf(request).id, waId))) throw gatewayError('not_found', { detail: `+${waId} has not opted out.` });
    return reply.code(204).send();
  });
}
