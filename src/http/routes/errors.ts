/**
 * The error catalog over HTTP: GET /v1/errors (optionally by code), GET /v1/errors/:query (the CLI's `explain`) and
 * GET /v1/errors/:namespace/:code, which every problem `type` links to.
 */
import type { FastifyInstance } from 'fastify';
import { CATALOG, explain, findByCode, findEntry } from '../../catalog/catalog.js';
import { NAMESPACES, type Namespace } from '../../catalog/entry.js';
import { entryView } from '../../catalog/entry-view.js';
import { gatewayError } from '../../catalog/switchboard-error.js';
import { errorResponses } from '../schemas/problem.js';

const ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  properties: {
    namespace: { type: 'string' }, code: { type: ['string', 'integer'] }, title: { type: 'string' }, meaning: { type: 'string' },
    http_status: { type: 'integer' }, retryable: { type: 'boolean' }, retry: { type: 'object', additionalProperties: true },
    action: { type: 'string' }, type: { type: 'string' }, graph_code: { type: 'integer' },
    aliases: { type: 'array', items: { type: 'object', additionalProperties: true } }, retired: { type: 'boolean' },
  },
} as const;

const ENTRY_LIST_SCHEMA = { type: 'object', properties: { data: { type: 'array', items: ENTRY_SCHEMA } } } as const;

export function errorRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { namespace?: Namespace; code?: string } }>(
    '/v1/errors',
    {
      schema: {
        tags: ['errors'],
        summary: 'The error catalog, or the entries one code names',
        querystring: {
          type: 'object',
          properties: {
            namespace: { type: 'string', enum: [...NAMESPACES] },
            code: { type: 'string', minLength: 1, maxLength: 100, description: 'Only entries this code names, in any namespace: their own code, a provider\u2019s, or the Graph code' },
          },
        },
        response: { 200: ENTRY_LIST_SCHEMA },
      },
    },
    async function listErrors(request) {
      const { namespace, code } = request.query;
      const entries = code === undefined ? CATALOG : findByCode(code);
      return { data: entries.filter((e) => namespace === undefined || e.namespace === namespace).map(entryView) };
    },
  );
  app.get<{ Params: { query: string } }>(
    '/v1/errors/:query',
    {
      schema: {
        tags: ['errors'],
        summary: 'What a code or phrase means, in every namespace (as `switchboard explain` answers)',
        params: { type: 'object', required: ['query'], properties: { query: { type: 'string' } } },
        response: { 200: ENTRY_LIST_SCHEMA, ...errorResponses(['not_found']) },
      },
    },
    async function explainError(request) {
      const entries = explain(request.params.query);
      if (entries.length === 0) throw gatewayError('not_found', { detail: `No catalog entry matches "${request.params.query}".` });
      return { data: entries.map(entryView) };
    },
  );
  app.get<{ Params: { namespace: string; code: string } }>(
    '/v1/errors/:namespace/:code',
    {
      schema: {
        tags: ['errors'],
        summary: 'One catalog entry: meaning, retry class, action, and how other providers name it',
        params: { type: 'object', required: ['namespace', 'code'], properties: { namespace: { type: 'string' }, code: { type: 'string' } } },
        response: { 200: ENTRY_SCHEMA, ...errorResponses(['not_found']) },
      },
    },
    async function readError(request) {
      const { namespace, code } = request.params;
      const ns = NAMESPACES.find((n) => n === namespace);
      const entry = ns && (findEntry(ns, code) ?? (/^\d+$/.test(code) ? findEntry(ns, Number(code)) : undefined));
      if (!entry) throw gatewayError('not_found', { detail: `The catalog has no entry ${namespace}/${code}.` });
      return entryView(entry);
    },
  );
}
