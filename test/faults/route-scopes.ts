/** Which key each route of the route table wants, asked of the gateway itself (no key, then a tenant key), not listed. */
import { sendFault } from './fault-http.js';
import type { RouteEntry } from './route-table.js';

export type Scope = 'public' | 'tenant' | 'admin';

/** `/v1/messages/:id` with each parameter filled by `value`. */
export function fillPath(route: RouteEntry, value: (name: string) => string): string {
  return route.path.replace(/:(\w+)|\*$/g, (_m, name: string | undefined) => encodeURIComponent(value(name ?? '*')));
}

export async function scopesOf(routes: readonly RouteEntry[], base: URL, tenantKey: string, value: (route: RouteEntry, name: string) => string): Promise<Map<RouteEntry, Scope>> {
  const scopes = new Map<RouteEntry, Scope>();
  for (const route of routes) {
    const path = fillPath(route, (name) => value(route, name));
    const anonymous = await sendFault(base, { method: route.method, path, headers: {} });
    if (anonymous.status !== 401) {
      scopes.set(route, 'public');
      continue;
    }
    const asTenant = await sendFault(base, { method: route.method, path, headers: { 'x-api-key': tenantKey } });
    scopes.set(route, asTenant.status === 401 || asTenant.status === 403 ? 'admin' : 'tenant');
  }
  return scopes;
}
