/** `/{version}/{waba-id}/message_templates`: list, create (under review as PENDING) and delete by name. */
import { TTL_SECONDS_BY_CATEGORY } from '../../domain/templates/limits.js';
import type { FastifyInstance } from 'fastify';
import { checkOwnership } from '../rules/auth.js';
import { reject } from '../rules/outcome.js';
import { placeholderCount } from '../rules/template.js';
import { graphFailure, unknownObject, type GraphResult } from '../graph-result.js';
import type { SimCore } from '../sim-core.js';
import type { Template } from '../state.js';
import { TEMPLATE_CATEGORIES, type TemplateCategory, type TemplateInput } from '../types.js';
import { answer, callerOf, countManagementCall } from './graph-scope.js';

type Json = Record<string, unknown>;

export function describeTemplate(t: Template): Json {
  const components: Json[] = [];
  if (t.header) components.push({ type: 'HEADER', format: t.header.format, ...(t.header.text === undefined ? {} : { text: t.header.text }) });
  components.push({ type: 'BODY', text: t.body });
  if (t.buttonParameters) {
    components.push({
      type: 'BUTTONS',
      buttons: Array.from({ length: t.buttonParameters }, (_, i) => ({ type: 'URL', text: `Open ${i + 1}`, url: 'https://example.com/{{1}}' })),
    });
  }
  return { name: t.name, components, language: t.language, status: t.status, category: t.category, id: t.id };
}

/** Reads Meta's create-template body into the simulator's template input. */
export function readTemplateRequest(wabaId: string, body: unknown): TemplateInput | string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Json;
  if (typeof b.name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(b.name)) return 'name must be lowercase letters, digits and underscores';
  if (typeof b.language !== 'string') return 'language is required';
  if (typeof b.category !== 'string' || !TEMPLATE_CATEGORIES.includes(b.category.toUpperCase() as TemplateCategory)) {
    return `category must be one of ${TEMPLATE_CATEGORIES.join(', ')}`;
  }
  const ttl = b.message_send_ttl_seconds;
  const ttlRange = TTL_SECONDS_BY_CATEGORY[b.category.toUpperCase()]!;
  if (ttl !== undefined && !(typeof ttl === 'number' && Number.isInteger(ttl) && ttl >= ttlRange.min && ttl <= ttlRange.max)) {
    return `message_send_ttl_seconds must be ${ttlRange.min} to ${ttlRange.max} for this category`;
  }
  const components = Array.isArray(b.components) ? (b.components as Json[]) : [];
  const find = (type: string): Json | undefined => components.find((c) => String(c.type).toUpperCase() === type);
  const body_ = find('BODY');
  if (typeof body_?.text !== 'string') return 'a BODY component with text is required';
  const header = find('HEADER');
  const format = typeof header?.format === 'string' ? header.format.toUpperCase() : undefined;
  if (format !== undefined && !['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'].includes(format)) return `header format ${format} is not supported`;
  const buttons = find('BUTTONS');
  const buttonParameters = Array.isArray(buttons?.buttons)
    ? (buttons.buttons as Json[]).filter((x) => typeof x.url === 'string' && placeholderCount(x.url) > 0).length
    : 0;
  return {
    wabaId,
    name: b.name,
    language: b.language,
    category: b.category.toUpperCase() as TemplateCategory,
    status: 'PENDING',
    body: body_.text,
    ...(format === undefined
      ? {}
      : { header: { format: format as 'TEXT', ...(typeof header?.text === 'string' ? { text: header.text } : {}) } }),
    ...(buttonParameters > 0 ? { buttonParameters } : {}),
  };
}

function guard(core: SimCore, caller: string, wabaId: string): GraphResult | undefined {
  if (!core.state.businesses.has(wabaId)) return unknownObject(core, wabaId, 'get');
  const owned = checkOwnership(caller, wabaId, wabaId);
  if (owned.kind === 'reject') return graphFailure(core, owned);
  return countManagementCall(core, wabaId);
}

export function registerTemplateRoutes(app: FastifyInstance, core: SimCore): void {
  app.get('/:wabaId/message_templates', async function listTemplates(request, reply) {
    const { wabaId } = request.params as { wabaId: string };
    const refused = guard(core, callerOf(request), wabaId);
    if (refused) return answer(request, reply, refused);
    const q = request.query as { name?: string; status?: string; language?: string };
    const data = core.state
      .findTemplates(wabaId, undefined, q.language)
      .filter((t) => (q.name === undefined || t.name.includes(q.name)) && (q.status === undefined || t.status === q.status.toUpperCase()))
      .map(describeTemplate);
    return answer(request, reply, { status: 200, body: { data, paging: { cursors: { before: 'QVFI', after: 'QVFI' } } } });
  });

  app.post('/:wabaId/message_templates', async function createTemplate(request, reply) {
    const { wabaId } = request.params as { wabaId: string };
    const refused = guard(core, callerOf(request), wabaId);
    if (refused) return answer(request, reply, refused);
    const input = readTemplateRequest(wabaId, request.body);
    if (typeof input === 'string') return answer(request, reply, graphFailure(core, reject(100, `Invalid parameter: ${input}.`)));
    if (core.state.findTemplates(wabaId, input.name, input.language).length > 0) {
      return answer(request, reply, graphFailure(core, reject(100, `Invalid parameter: content in ${input.language} already exists for template ${input.name}.`)));
    }
    const template = core.state.createTemplate(input);
    return answer(request, reply, { status: 200, body: { id: template.id, status: template.status, category: template.category } });
  });

  app.delete('/:wabaId/message_templates', async function deleteTemplate(request, reply) {
    const { wabaId } = request.params as { wabaId: string };
    const refused = guard(core, callerOf(request), wabaId);
    if (refused) return answer(request, reply, refused);
    const { name } = request.query as { name?: string };
    if (!name) return answer(request, reply, graphFailure(core, reject(131008, 'The parameter name is required.')));
    if (core.state.deleteTemplates(wabaId, name) === 0) {
      return answer(request, reply, graphFailure(core, reject(100, `Invalid parameter: no template named ${name}.`)));
    }
    return answer(request, reply, { status: 200, body: { success: true } });
  });
}
