/** Templates per account and WABA: create (validated locally, then submitted upstream), list, read, delete, sync now. */
import { finiteNumberField } from '../schemas/numbers.js';
import type { FastifyInstance } from 'fastify';
import { gatewayError } from '../../catalog/switchboard-error.js';
import type { Account } from '../../domain/account.js';
import { validateTemplateDefinition } from '../../domain/templates/validate-definition.js';
import { templateStatusOf } from '../../domain/templates/status.js';
import type { TemplateComponentDefinition } from '../../domain/template.js';
import { TemplateSync } from '../../dispatch/template-sync.js';
import { checkApiEnabled } from '../../domain/preflight/api-disabled.js';
import type { StoredTemplate } from '../../store/controls-store.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../clock.js';
import { accountOf } from '../plugins/auth.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../schemas/problem.js';
import { numberFor, targetFor, type ManagementDeps } from '../../app/management-target.js';

const TEMPLATE_VIEW = {
  type: 'object',
  properties: {
    id: { type: ['string', 'null'] }, waba_id: { type: 'string' }, name: { type: 'string' }, language: { type: 'string' },
    category: { type: 'string' }, status: { type: 'string', enum: ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] },
    reason: { type: ['string', 'null'] }, components: { type: 'array', items: { type: 'object', additionalProperties: true } },
    updated_at: { type: 'string' },
  },
} as const;

const CREATE_BODY = {
  type: 'object',
  required: ['name', 'language', 'category', 'components'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' }, language: { type: 'string' }, category: { type: 'string' },
    components: { type: 'array', items: { type: 'object', additionalProperties: true } },
    waba_id: { type: 'string', description: 'Which of your WhatsApp Business accounts; default: the default number\u2019s' },
    allow_category_change: { type: 'boolean' },
    parameter_format: { type: 'string', enum: ['POSITIONAL', 'NAMED'] },
    message_send_ttl_seconds: {
      ...finiteNumberField({ description: 'Meta\u2019s time-to-live of this template\u2019s messages: an undelivered one is dropped after it. Authentication 30\u2013900 s, utility 30\u201343,200 s, marketing 43,200\u20132,592,000 s.' }),
      examples: [300],
    },
  },
} as const;

export function templateView(t: StoredTemplate) {
  return {
    id: t.upstreamId, waba_id: t.wabaId, name: t.name, language: t.language, category: t.category, status: t.status.toUpperCase(),
    reason: t.reason, components: t.components, updated_at: new Date(t.updatedAt).toISOString(),
  };
}

async function wabaIdsOf(store: Store, account: Account): Promise<string[]> {
  return [...new Set((await store.listNumbers({ accountId: account.id })).map((n) => n.wabaId))];
}

export function templateRoutes(app: FastifyInstance, deps: { store: Store; clock: Clock; management?: ManagementDeps }): void {
  const { store, clock, management } = deps;

  app.post<{ Body: Record<string, unknown> & { waba_id?: string } }>('/v1/templates', {
    schema: {
      tags: ['templates'], summary: 'Create a template: checked as Meta would, then submitted for review (status PENDING)',
      body: CREATE_BODY,
      response: { 201: TEMPLATE_VIEW, ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS, ['meta', 100], 'conflict', 'whatsapp_api_disabled']) },
    },
  }, async function createTemplate(request, reply) {
    const account = accountOf(request);
    const enabled = checkApiEnabled(await store.controls.getControls(account.id));
    if (enabled.kind === 'refuse') throw enabled.error;
    const { waba_id: wabaId, ...definition } = request.body;
    const decision = validateTemplateDefinition(definition);
    if (decision.kind === 'refuse') throw decision.error;
    const number = await numberFor(store, account, wabaId === undefined ? {} : { wabaId });
    const name = String(definition['name']);
    const language = String(definition['language']);
    if ((await store.templates.listTemplates([number.wabaId])).some((t) => t.name === name && t.language === language))
      throw gatewayError('conflict', { detail: `Template ${name} already exists in ${language}.`, field: 'name' });
    const target = await targetFor(store, management, number);
    const created = await target.client.createTemplate(target, number.wabaId, { ...definition, category: String(definition['category']).toUpperCase() });
    const template: StoredTemplate = {
      wabaId: number.wabaId, name, language, status: templateStatusOf(created.status) ?? 'pending',
      category: (created.category ?? String(definition['category'])).toUpperCase(),
      components: definition['components'] as TemplateComponentDefinition[], updatedAt: clock.now(), upstreamId: created.id || null, reason: null,
    };
    await store.templates.saveTemplate(template);
    return reply.code(201).send(templateView(template));
  });

  app.get<{ Querystring: { status?: string; name?: string; waba_id?: string } }>('/v1/templates', {
    schema: {
      tags: ['templates'], summary: 'List the templates of your WhatsApp Business accounts, with their review status',
      querystring: { type: 'object', properties: { status: { type: 'string' }, name: { type: 'string' }, waba_id: { type: 'string' } } },
      response: { 200: { type: 'object', properties: { data: { type: 'array', items: TEMPLATE_VIEW } } }, ...errorResponses(AUTH_ERRORS) },
    },
  }, async function listTemplates(request) {
    const wabaIds = (await wabaIdsOf(store, accountOf(request))).filter((w) => request.query.waba_id === undefined || w === request.query.waba_id);
    const q = request.query;
    const data = (await store.templates.listTemplates(wabaIds)).filter(
      (t) => (q.status === undefined || t.status === q.status.toLowerCase()) && (q.name === undefined || t.name === q.name),
    );
    return { data: data.map(templateView) };
  });

  app.delete<{ Params: { name: string }; Querystring: { waba_id?: string } }>('/v1/templates/:name', {
    schema: {
      tags: ['templates'], summary: 'Delete a template (every language), upstream and here',
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      querystring: { type: 'object', properties: { waba_id: { type: 'string' } } },
      response: { 204: { type: 'null' }, ...errorResponses([...AUTH_ERRORS, 'not_found']) },
    },
  }, async function deleteTemplate(request, reply) {
    const account = accountOf(request);
    const wabaIds = (await wabaIdsOf(store, account)).filter((w) => request.query.waba_id === undefined || w === request.query.waba_id);
    const owner = (await store.templates.listTemplates(wabaIds)).find((t) => t.name === request.params.name);
    if (!owner) throw gatewayError('not_found', { detail: `No template ${request.params.name} in your WhatsApp Business accounts.` });
    const number = await numberFor(store, account, { wabaId: owner.wabaId });
    const target = await targetFor(store, management, number);
    await target.client.deleteTemplate(target, owner.wabaId, owner.name);
    await store.templates.deleteTemplate(owner.wabaId, owner.name);
    return reply.code(204).send();
  });

  app.post('/v1/templates/sync', {
    schema: {
      tags: ['templates'], summary: 'Sync your templates and their review status from the upstream now',
      response: { 200: { type: 'object', properties: { synced: { type: 'integer' } } }, ...errorResponses(AUTH_ERRORS) },
    },
  }, async function syncTemplates(request) {
    if (!management) throw gatewayError('service_unavailable', { detail: 'No upstream is configured for management calls.' });
    const sync = new TemplateSync({ store, client: management.client, baseUrl: management.baseUrl, apiVersion: management.apiVersion, intervalMs: 0, now: () => clock.now() });
    let synced = 0;
    for (const wabaId of await wabaIdsOf(store, accountOf(request))) synced += await sync.syncWaba(wabaId);
    return { synced };
  });
}
