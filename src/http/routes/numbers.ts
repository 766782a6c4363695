/** Phone numbers: admins add, update, assign and remove them; tenants see the numbers assigned to them. */
import type { FastifyInstance } from 'fastify';
import * as numbers from '../../app/admin-numbers.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { BOUNDS } from '../../domain/bounds.js';
import { REGISTRATION_STATES } from '../../domain/phone-number.js';
import type { NewPhoneNumber, Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { accountOf } from '../plugins/auth.js';
import { boundField } from '../schemas/numbers.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { numberView } from '../views.js';

export const NUMBER_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, phone_number_id: { type: 'string' }, display_phone_number: { type: 'string' }, waba_id: { type: 'string' },
    account_id: { type: ['string', 'null'] }, registration: { type: 'string', enum: [...REGISTRATION_STATES] }, max_mps: { type: 'integer' },
    has_access_token: { type: 'boolean' }, created_at: { type: 'string' }, updated_at: { type: 'string' },
    connection: { type: 'string', enum: ['connected', 'disconnected'], description: 'disconnected: Meta refused the token; replace it to resume' },
  },
} as const;

const NUMBER_FIELDS = {
  phone_number_id: { type: 'string', minLength: 1, description: 'Meta phone_number_id' },
  display_phone_number: { type: 'string', minLength: 1 },
  waba_id: { type: 'string', minLength: 1, description: 'WhatsApp Business Account id' },
  account_id: { type: ['string', 'null'], description: 'Assign to this account (null: unassigned)' },
  registration: { type: 'string', enum: [...REGISTRATION_STATES] },
  max_mps: boundField(BOUNDS.maxMps, { description: 'Messages per second Meta allows this number' }),
  access_token: { type: 'string', minLength: 1, description: 'Stored encrypted; never shown again' },
} as const;

interface NumberBody {
  phone_number_id?: string; display_phone_number?: string; waba_id?: string; account_id?: string | null;
  registration?: NewPhoneNumber['registration']; max_mps?: number; access_token?: string;
}

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const ADMIN_ERRORS = [...AUTH_ERRORS, ...BODY_ERRORS, 'not_found', 'conflict'] as const;

/** The body in the use case's terms; the use case checks it (the CLI sends the same). */
function toChanges(b: NumberBody): numbers.NumberChanges {
  return {
    phoneNumberId: b.phone_number_id, displayPhoneNumber: b.display_phone_number, wabaId: b.waba_id, accountId: b.account_id,
    registration: b.registration, maxMps: b.max_mps, accessToken: b.access_token,
  };
}

export function adminNumberRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  const { store, clock } = deps;

  app.post<{ Body: NumberBody }>(
    '/v1/admin/numbers',
    {
      schema: {
        tags: ['admin'], summary: 'Add a phone number',
        body: { type: 'object', required: ['phone_number_id', 'display_phone_number', 'waba_id'], additionalProperties: false, properties: NUMBER_FIELDS },
        response: { 201: NUMBER_VIEW, ...errorResponses(ADMIN_ERRORS) },
      },
    },
    async function addNumber(request, reply) {
      const number = await numbers.addNumber(store, toChanges(request.body) as numbers.NewNumberRequest, clock.now());
      return reply.code(201).send(numberView(number));
    },
  );

  app.get('/v1/admin/numbers', {
    schema: { tags: ['admin'], summary: 'List all numbers', response: { 200: { type: 'object', properties: { data: { type: 'array', items: NUMBER_VIEW } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listAllNumbers() {
    return { data: (await numbers.listNumbers(store, {})).map(numberView) };
  });

  app.get<{ Params: { id: string } }>('/v1/admin/numbers/:id', {
    schema: { tags: ['admin'], summary: 'Read a number', params: ID_PARAMS, response: { 200: NUMBER_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
  }, async function readAnyNumber(request) {
    return numberView(await numbers.readNumber(store, request.params.id));
  });

  app.patch<{ Params: { id: string }; Body: NumberBody }>('/v1/admin/numbers/:id', {
    schema: {
      tags: ['admin'], summary: 'Update or (re)assign a number', params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, properties: NUMBER_FIELDS },
      response: { 200: NUMBER_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function updateNumber(request) {
    return numberView(await numbers.updateNumber(store, request.params.id, toChanges(request.body), clock.now()));
  });

  app.delete<{ Params: { id: string } }>('/v1/admin/numbers/:id', {
    schema: { tags: ['admin'], summary: 'Remove a number', params: ID_PARAMS, response: { 204: { type: 'null' }, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
  }, async function removeNumber(request, reply) {
    await numbers.removeNumber(store, request.params.id);
    return reply.code(204).send();
  });
}

export function tenantNumberRoutes(app: FastifyInstance, deps: { store: Store }): void {
  app.get('/v1/numbers', {
    schema: { tags: ['numbers'], summary: 'The numbers assigned to your account', response: { 200: { type: 'object', properties: { data: { type: 'array', items: NUMBER_VIEW } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listMyNumbers(request) {
    return { data: (await deps.store.listNumbers({ accountId: accountOf(request).id })).map(numberView) };
  });

  app.get<{ Params: { id: string } }>('/v1/numbers/:id', {
    schema: { tags: ['numbers'], summary: 'One of your numbers', params: ID_PARAMS, response: { 200: NUMBER_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
  }, async function readMyNumber(request) {
    const number = await deps.store.findNumber(request.params.id);
    if (!number || number.accountId !== accountOf(request).id) throw gatewayError('not_found', { detail: `No number ${request.params.id} in your account.` });
    return numberView(number);
  });
}
