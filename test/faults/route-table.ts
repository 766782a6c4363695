/**
 * The gateway's routes as the fault suite walks them, generated from the app itself: every method and path Fastify
 * registered (printRoutes), with the body and query schemas OpenAPI publishes for it. Nothing here lists a route by hand.
 */
import type { FastifyInstance } from 'fastify';

// Schemas are walked generically; `any` keeps the walk short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonSchema = any;

export interface RouteEntry {
  readonly method: string;
  /** Fastify's form: `/v1/messages/:id`, `/docs/*`. */
  readonly path: string;
  readonly params: readonly string[];
  readonly body: JsonSchema | undefined;
  readonly query: JsonSchema | undefined;
}

/** Reads the tree printRoutes draws (`├── /v1/messages (POST, GET)`, children indented by four) into method + path. */
export function parseRouteTree(tree: string): { method: string; path: string }[] {
  const prefixes: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)(?:├── |└── )(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + match[2]!;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '')) routes.push({ method, path: path.replace(/\/\/+/g, '/') });
  }
  return routes;
}

const toOpenApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

export function routeTable(app: FastifyInstance): RouteEntry[] {
  const document = app.swagger() as { paths: Record<string, Record<string, JsonSchema>> };
  return parseRouteTree(app.printRoutes({ commonPrefix: false })).map(({ method, path }) => {
    // HEAD is Fastify's twin of GET: it takes GET's query.
    const operations = document.paths[toOpenApiPath(path)];
    const operation = (operations?.[method.toLowerCase()] ?? (method === 'HEAD' ? operations?.['get'] : undefined)) as JsonSchema;
    const queryParameters = ((operation?.parameters ?? []) as JsonSchema[]).filter((p) => p.in === 'query');
    return {
      method,
      path,
      params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!).concat(path.endsWith('*') ? ['*'] : []),
      body: operation?.requestBody?.content?.['application/json']?.schema,
      query: queryParameters.length === 0 ? undefined : { type: 'object', properties: Object.fromEntries(queryParameters.map((p) => [p.name, p.schema ?? {}])) },
    };
  });
}
