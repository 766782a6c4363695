/**
 * Aiming the fault scenarios past the first checks: for each path parameter an id the route actually finds, and for
 * each body a sample the gateway accepts, both found by asking the gateway, so mutations reach the code behind them.
 */
import { sendFault } from './fault-http.js';
import { sampleOf } from './fuzz-inputs.js';
import { fillPath } from './route-scopes.js';
import type { RouteEntry } from './route-table.js';
import type { Random } from './fault-random.js';

export type ParamValues = (route: RouteEntry, name: string) => string | undefined;

/**
 * For each parameter, the first candidate its GET route (the same path up to that parameter) answers 200 for, with the
 * headers that route's key gives; undefined where no GET route or no candidate fits.
 */
export async function foundParams(routes: readonly RouteEntry[], base: URL, headersFor: (route: RouteEntry) => Record<string, string>, candidates: readonly string[]): Promise<ParamValues> {
  const found = new Map<string, string>();
  for (const route of routes.filter((r) => r.method === 'GET' && r.params.length === 1 && r.path.endsWith(`:${r.params[0]}`)))
    for (const id of candidates) {
      if (found.has(route.path)) break;
      const answer = await sendFault(base, { method: 'GET', path: fillPath(route, () => id), headers: headersFor(route) });
      if (answer.status === 200) found.set(route.path, id);
    }
  return (route, name) => found.get(route.path.slice(0, route.path.indexOf(`:${name}`) + name.length + 1));
}

/** Whether a concrete path is one of the route's. */
export function matchesRoute(route: RouteEntry, path: string): boolean {
  return new RegExp(`^${route.path.replace(/:\w+/g, '[^/]+').replace(/\*$/, '.*')}$`).test(path);
}

/**
 * A body the route accepts (2xx): one of the corpus's first, else one of a few samples, the required fields alone tried
 * first; undefined when none is.
 */
export async function acceptedBody(route: RouteEntry, path: string, headers: Record<string, string>, base: URL, random: Random, corpus: readonly unknown[] = []): Promise<unknown> {
  const candidates = [...corpus, ...Array.from({ length: 16 }, (_, attempt) => sampleOf(route.body, random, attempt < 6 ? 0 : 0.4))];
  for (const body of candidates) {
    const answer = await sendFault(base, { method: route.method, path, headers: { ...headers, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });
    if (answer.status < 300) return body;
  }
  return undefined;
}
