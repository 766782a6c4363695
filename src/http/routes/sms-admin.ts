/** The SMS channel's admin API (admin key): connectors, routes, per-account sender ids, and a test send. */
import type { FastifyInstance } from 'fastify';
import * as sms from '../../app/admin-sms.js';
import { sendTestSms } from '../../app/sms-test-send.js';
import { BIND_STATES } from '../../sms/smpp-connector.js';
import type { ConnectorPool } from '../../sms/connector-pool.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { connectorView, routeView } from '../sms-views.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { integerField } from '../schemas/numbers.js';

export interface SmsAdminDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** This process's connectors, when it runs them: bind states and the test send. */
  readonly pool: Pick<ConnectorPool, 'connector'> | undefined;
  /** Tells the pool that the stored connectors changed. */
  readonly changed: () => void;
  readonly maxSegments: number;
}

const CONNECTOR_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, host: { type: 'string' }, port: { type: 'integer' }, system_id: { type: 'string' },
    system_type: { type: 'string' }, throughput_per_second: { type: 'integer' }, window: { type: 'integer' }, enabled: { type: 'boolean' },
    bind_state: { type: 'string', enum: [...BIND_STATES, 'disabled', 'not-running'], description: 'This process\u2019s bind to the SMS centre; not-running where it runs no connectors' },
    created_at: { type: 'string' }, updated_at: { type: 'string' },
  },
} as const;

const CONNECTOR_FIELDS = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  host: { type: 'string', minLength: 1, maxLength: 255 },
  port: integerField(1, 65_535),
  system_id: { type: 'string', minLength: 1, maxLength: 15, description: 'SMPP system_id' },
  password: { type: 'string', minLength: 1, maxLength: 8, description: 'SMPP password; stored encrypted, never shown again' },
  system_type: { type: 'string', maxLength: 12 },
  throughput_per_second: integerField(1, 10_000, { description: 'submit_sm per second at most (one per segment); never exceeded' }),
  window: integerField(1, 1_000, { description: 'submit_sm awaiting their answer at most' }),
  enabled: { type: 'boolean' },
} as const;

interface ConnectorBody {
  name?: string; host?: string; port?: number; system_id?: string; password?: string; system_type?: string;
  throughput_per_second?: number; window?: number; enabled?: boolean;
}

const ROUTE_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' }, prefix: { type: 'string' }, connector_id: { type: 'string' },
    account_ids: { type: ['array', 'null'], items: { type: 'string' } }, created_at: { type: 'string' }, updated_at: { type: 'string' },
  },
} as const;

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const SENDER_PARAMS = { type: 'object', required: ['id', 'sender_id'], properties: { id: { type: 'string' }, sender_id: { type: 'string' } } } as const;
const SENDER_IDS = { type: 'object', properties: { account_id: { type: 'string' }, data: { type: 'array', items: { type: 'string' } } } } as const;
const ADMIN_ERRORS = [...AUTH_ERRORS, ...BODY_ERRORS, 'not_found', 'conflict'] as const;

function toChanges(b: ConnectorBody): sms.ConnectorChanges {
  return {
    name: b.name, host: b.host, port: b.port, systemId: b.system_id, password: b.password, systemType: b.system_type,
    throughputPerSecond: b.throughput_per_second, window: b.window, enabled: b.enabled,
  };
}

function connectorRoutes(app: FastifyInstance, deps: SmsAdminDeps): void {
  const { store, clock } = deps;
  const view = (c: Awaited<ReturnType<typeof sms.readConnector>>) => connectorView(c, deps.pool?.connector(c.id)?.state);

  app.post<{ Body: ConnectorBody }>('/v1/admin/sms/connectors', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Add an SMPP connector',
      body: { type: 'object', required: ['name', 'host', 'port', 'system_id', 'password', 'throughput_per_second', 'window'], additionalProperties: false, properties: CONNECTOR_FIELDS },
      response: { 201: CONNECTOR_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function addSmsConnector(request, reply) {
    const connector = await sms.addConnector(store, toChanges(request.body) as Parameters<typeof sms.addConnector>[1], clock.now());
    deps.changed();
    return reply.code(201).send(view(connector));
  });

  app.get('/v1/admin/sms/connectors', {
    schema: { tags: ['admin', 'sms'], summary: 'List SMPP connectors', response: { 200: { type: 'object', properties: { data: { type: 'array', items: CONNECTOR_VIEW } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listSmsConnectors() {
    return { data: (await sms.listConnectors(store)).map(view) };
  });

  app.get<{ Params: { id: string } }>('/v1/admin/sms/connectors/:id', {
    schema: { tags: ['admin', 'sms'], summary: 'Read an SMPP connector', params: ID_PARAMS, response: { 200: CONNECTOR_VIEW, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
  }, async function readSmsConnector(request) {
    return view(await sms.readConnector(store, request.params.id));
  });

  app.patch<{ Params: { id: string }; Body: ConnectorBody }>('/v1/admin/sms/connectors/:id', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Change an SMPP connector (it rebinds with the new settings)', params: ID_PARAMS,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: CONNECTOR_FIELDS },
      response: { 200: CONNECTOR_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function changeSmsConnector(request) {
    const connector = await sms.updateConnector(store, request.params.id, toChanges(request.body), clock.now());
    deps.changed();
    return view(connector);
  });

  app.delete<{ Params: { id: string } }>('/v1/admin/sms/connectors/:id', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Remove an SMPP connector no route uses', params: ID_PARAMS,
      response: { 200: { type: 'object', properties: { id: { type: 'string' }, removed: { type: 'boolean' } } }, ...errorResponses([...AUTH_ERRORS, 'not_found', 'conflict']) },
    },
  }, async function removeSmsConnector(request) {
    const removed = await sms.removeConnector(store, request.params.id);
    deps.changed();
    return { ...removed, removed: true };
  });
}

function routeRoutes(app: FastifyInstance, deps: SmsAdminDeps): void {
  const { store, clock } = deps;
  app.post<{ Body: { prefix: string; connector_id: string; account_ids?: string[] | null } }>('/v1/admin/sms/routes', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Route destinations starting with a prefix to a connector ("" = the default route)',
      body: {
        type: 'object', required: ['prefix', 'connector_id'], additionalProperties: false,
        properties: {
          prefix: { type: 'string', maxLength: 16, description: 'Digits, country code first (a leading + is tolerated); "" = default route' },
          connector_id: { type: 'string' },
          account_ids: { type: ['array', 'null'], items: { type: 'string' }, description: 'Only these accounts may use the route; absent or null = every account' },
        },
      },
      response: { 201: ROUTE_VIEW, ...errorResponses(ADMIN_ERRORS) },
    },
  }, async function addSmsRoute(request, reply) {
    const b = request.body;
    const route = await sms.addRoute(store, { prefix: b.prefix, connectorId: b.connector_id, accountIds: b.account_ids ?? null }, clock.now());
    return reply.code(201).send(routeView(route));
  });

  app.get('/v1/admin/sms/routes', {
    schema: { tags: ['admin', 'sms'], summary: 'List SMS routes by prefix', response: { 200: { type: 'object', properties: { data: { type: 'array', items: ROUTE_VIEW } } }, ...errorResponses(AUTH_ERRORS) } },
  }, async function listSmsRoutes() {
    return { data: (await sms.listRoutes(store)).map(routeView) };
  });

  app.delete<{ Params: { id: string } }>('/v1/admin/sms/routes/:id', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Remove an SMS route', params: ID_PARAMS,
      response: { 200: { type: 'object', properties: { id: { type: 'string' }, removed: { type: 'boolean' } } }, ...errorResponses([...AUTH_ERRORS, 'not_found']) },
    },
  }, async function removeSmsRoute(request) {
    return { ...(await sms.removeRoute(store, request.params.id)), removed: true };
  });
}

function senderIdRoutes(app: FastifyInstance, deps: SmsAdminDeps): void {
  const { store, clock } = deps;
  app.get<{ Params: { id: string } }>('/v1/admin/accounts/:id/sms-sender-ids', {
    schema: { tags: ['admin', 'sms'], summary: 'SMS sender ids the account may use', params: ID_PARAMS, response: { 200: SENDER_IDS, ...errorResponses([...AUTH_ERRORS, 'not_found']) } },
  }, async function listSmsSenderIds(request) {
    return { account_id: request.params.id, data: await sms.listSenderIds(store, request.params.id) };
  });

  app.post<{ Params: { id: string }; Body: { sender_id: string } }>('/v1/admin/accounts/:id/sms-sender-ids', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Allow the account an SMS sender id', params: ID_PARAMS,
      body: { type: 'object', required: ['sender_id'], additionalProperties: false, properties: { sender_id: { type: 'string', description: 'An E.164 number, or 1-11 GSM letters, digits and spaces' } } },
      response: { 201: SENDER_IDS, ...errorResponses([...ADMIN_ERRORS, 'invalid_sender', 'invalid_alphanumeric_sender']) },
    },
  }, async function addSmsSenderId(request, reply) {
    await sms.addSenderId(store, request.params.id, request.body.sender_id, clock.now());
    return reply.code(201).send({ account_id: request.params.id, data: await sms.listSenderIds(store, request.params.id) });
  });

  app.delete<{ Params: { id: string; sender_id: string } }>('/v1/admin/accounts/:id/sms-sender-ids/:sender_id', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Withdraw an SMS sender id from the account', params: SENDER_PARAMS,
      response: { 200: { type: 'object', properties: { account_id: { type: 'string' }, sender_id: { type: 'string' }, removed: { type: 'boolean' } } }, ...errorResponses([...AUTH_ERRORS, 'not_found']) },
    },
  }, async function removeSmsSenderId(request) {
    return { ...(await sms.removeSenderId(store, request.params.id, request.params.sender_id)), removed: true };
  });
}

function testSendRoute(app: FastifyInstance, deps: SmsAdminDeps): void {
  app.post<{ Body: { account_id: string; from: string; to: string; text: string } }>('/v1/admin/sms/test-send', {
    schema: {
      tags: ['admin', 'sms'], summary: 'Send one test SMS as an account, through the route and connector its rules pick',
      body: {
        type: 'object', required: ['account_id', 'from', 'to', 'text'], additionalProperties: false,
        properties: { account_id: { type: 'string' }, from: { type: 'string' }, to: { type: 'string', pattern: '^\\+?[0-9]{6,15}$' }, text: { type: 'string', minLength: 1 } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            route_id: { type: 'string' }, connector_id: { type: 'string' }, encoding: { type: 'string', enum: ['gsm7', 'ucs2'] }, segments: { type: 'integer' },
            smsc_message_ids: { type: 'array', items: { type: 'string' } },
          },
        },
        ...errorResponses([
          ...ADMIN_ERRORS, 'invalid_sender', 'invalid_alphanumeric_sender', 'could_not_route', 'route_not_allowed', 'sms_too_many_segments',
          'smsc_unavailable', 'smsc_throttled', 'smsc_submit_refused', 'invalid_phone_number',
        ]),
      },
    },
  }, async function sendSmsTest(request) {
    const b = request.body;
    const result = await sendTestSms({ store: deps.store.sms, pool: deps.pool, maxSegments: deps.maxSegments }, { accountId: b.account_id, from: b.from, to: b.to, text: b.text });
    return { route_id: result.routeId, connector_id: result.connectorId, encoding: result.encoding, segments: result.segments, smsc_message_ids: result.smscMessageIds };
  });
}

export function smsAdminRoutes(app: FastifyInstance, deps: SmsAdminDeps): void {
  connectorRoutes(app, deps);
  routeRoutes(app, deps);
  senderIdRoutes(app, deps);
  testSendRoute(app, deps);
}
