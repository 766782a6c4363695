/**
 * Tenant isolation, generated from the route table: every tenant route, with the other tenant's ids (and numbers,
 * names, contacts) in each path parameter, query parameter and body field, answers exactly as it does for an unknown
 * value of the same shape, shows none of the other tenant's data, and changes nothing the other tenant can see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { sendFault, type FaultAnswer, type FaultRequest } from './fault-http.js';
import { faultScale, reportFigures } from './fault-scale.js';
import { seedTenant, type SeededTenant } from './fault-tenants.js';
import { pathsOf, replaceAt, sampleOf } from './fuzz-inputs.js';
import { routeTable, type RouteEntry } from './route-table.js';
import { fillPath, scopesOf } from './route-scopes.js';
import { acceptedBody, foundParams, matchesRoute } from './route-targets.js';
import { faultRandoms, faultSeed, type Random } from './fault-random.js';

interface Probe {
  readonly route: RouteEntry;
  readonly place: string;
  /** The request with `value` in the probed place. */
  build(value: string): FaultRequest;
}

let g: TestGateway;
let attacker: SeededTenant;
let victim: SeededTenant;
/** Everything of the victim's an attacker could name: ids, its numbers, a contact it checked, one who wrote to it, a template. */
let victimValues: string[];

beforeAll(async () => {
  g = await startTestGateway();
  attacker = await seedTenant(g, 'attacker', '4915130000001');
  victim = await seedTenant(g, 'victim', '4915140000001');
  const now = Date.now();
  const checked = '4915140000077';
  const writer = '4915140000055';
  await g.store.contactChecks.saveContactChecks(victim.numberId, [{ waId: checked, status: 'valid' }], now);
  await g.store.recordInbound(victim.numberId, writer, now);
  await g.store.templates.saveTemplate({
    wabaId: victim.wabaId, name: 'victim_private_offer', language: 'en_US', status: 'approved', category: 'MARKETING', components: [], updatedAt: now, upstreamId: null, reason: null,
  });
  await g.store.credit.topUp(victim.accountId, 50, 'topup', 'seed', now);
  victimValues = [...victim.ids, '4915140000001', checked, writer, 'victim_private_offer'];
});
afterAll(async () => g?.close());

/** A value nobody owns with the shape of `value`: same prefix and alphabet, or the same number with its last digits changed. */
function unknownLike(value: string, random: Random): string {
  if (/^\d+$/.test(value)) return value.slice(0, -4) + String(1000 + random.int(9000));
  const cut = value.lastIndexOf('_') + 1;
  const alphabet = [...new Set(value.slice(cut))];
  return value.slice(0, cut) + Array.from(value.slice(cut), () => random.pick(alphabet)).join('');
}

/** The attacker's own value for each parameter not being probed, so a request reaches the handler. */
async function ownValues(routes: readonly RouteEntry[], base: URL): Promise<(route: RouteEntry, name: string) => string> {
  const fallback: Record<string, string> = { version: 'v21.0', phoneNumberId: attacker.phoneNumberId, waId: attacker.optedOut, name: 'hello_world' };
  const found = await foundParams(routes, base, () => ({ 'x-api-key': attacker.key }), attacker.ids);
  return (route, name) => found(route, name) ?? fallback[name] ?? attacker.accountId;
}

function corpusOf(route: RouteEntry): unknown[] {
  return attacker.accepted.filter((a) => a.method === route.method && matchesRoute(route, a.path)).map((a) => a.body);
}

async function probesOf(route: RouteEntry, own: (route: RouteEntry, name: string) => string, base: URL, random: Random): Promise<Probe[]> {
  const headers = { 'x-api-key': attacker.key };
  const basePath = fillPath(route, (name) => own(route, name));
  // A body the attacker's own request gets through with, or a plain sample when none does.
  const body = route.body && !['GET', 'HEAD'].includes(route.method) ? ((await acceptedBody(route, basePath, headers, base, random, corpusOf(route))) ?? sampleOf(route.body, random, 0)) : undefined;
  const withBody = (value: unknown) => (value === undefined ? {} : { body: Buffer.from(JSON.stringify(value)), headers: { ...headers, 'content-type': 'application/json' } });
  const probes: Probe[] = route.params.map((param) => ({
    route, place: `path :${param}`,
    build: (value) => ({ method: route.method, path: fillPath(route, (name) => (name === param ? value : own(route, name))), headers, ...withBody(body) }),
  }));
  for (const name of Object.keys(route.query?.properties ?? {}))
    probes.push({ route, place: `query ${name}`, build: (value) => ({ method: route.method, path: `${basePath}?${name}=${encodeURIComponent(value)}`, headers, ...withBody(body) }) });
  // Every field that could carry an id, each set alone on the body that gets through.
  const every = route.body ? sampleOf(route.body, random, 1) : undefined;
  for (const path of pathsOf(every).filter((p) => typeof p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], every) === 'string'))
    probes.push({ route, place: `body ${path.join('.')}`, build: (value) => ({ method: route.method, path: basePath, headers, ...withBody(replaceAt(body, path, value)) }) });
  return probes;
}

/** Status and catalog code: what must not differ between another tenant's value and an unknown one. */
function outcome(answer: FaultAnswer): string {
  try {
    const body = JSON.parse(answer.text) as { code?: unknown; error?: { code?: unknown } };
    return `${answer.status} ${String(body.code ?? body.error?.code ?? '')}`;
  } catch {
    return `${answer.status}`;
  }
}

/** A window fixed for the whole test: a read that defaults to "the last hour" would otherwise move between two views. */
const viewWindow = { since: new Date(Date.now() - 3_600_000).toISOString(), until: new Date(Date.now() + 3_600_000).toISOString() };

/** The fixed window for the query parameters of `route` that take one. */
function windowQuery(route: RouteEntry): string {
  const names = Object.keys(route.query?.properties ?? {});
  const pairs = Object.entries(viewWindow).filter(([name]) => names.includes(name));
  return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`;
}

/** What the victim sees through every GET of the route table, with each of its own values in the parameters. */
async function victimView(routes: readonly RouteEntry[], base: URL): Promise<Map<string, string>> {
  const view = new Map<string, string>();
  for (const route of routes.filter((r) => r.method === 'GET')) {
    const fillings = route.params.length === 0 ? [''] : victimValues;
    for (const value of fillings) {
      const path = fillPath(route, () => value) + windowQuery(route);
      const answer = await sendFault(base, { method: 'GET', path, headers: { 'x-api-key': victim.key } });
      if (answer.status === 200) view.set(path, answer.text);
    }
  }
  return view;
}

describe('tenant isolation', () => {
  it('answers another tenant\u2019s values exactly like unknown ones, reads nothing of it and changes nothing of it', async () => {
    const base = new URL(g.url);
    // One draw source per round of probes, and one for the unknown values.
    const [unknownRandom, ...roundRandoms] = faultRandoms(1 + faultScale(1, 3));
    const routes = routeTable(g.app);
    const own = await ownValues(routes, base);
    const scopes = await scopesOf(routes, base, attacker.key, own);
    const tenantRoutes = routes.filter((r) => scopes.get(r) === 'tenant');
    const before = await victimView(tenantRoutes, base);

    // Every probe with every victim value; the long form repeats it on freshly sampled bodies.
    const all: { probe: Probe; value: string }[] = [];
    for (const random of roundRandoms)
      for (const route of tenantRoutes) for (const probe of await probesOf(route, own, base, random)) all.push(...victimValues.map((value) => ({ probe, value })));
    // One unknown value per victim value: whatever the attacker's own probes do to it (an opt-out, say) happens to both.
    const unknowns = new Map(victimValues.map((v) => [v, unknownLike(v, unknownRandom!)]));
    const violations: string[] = [];
    let requests = 0;
    let differences = 0;
    let reads = 0;
    for (const { probe, value } of all) {
      const unknown = await sendFault(base, probe.build(unknowns.get(value)!));
      const foreign = await sendFault(base, probe.build(value));
      requests += 2;
      const label = `${probe.route.method} ${probe.route.path} | ${probe.place} = ${value}`;
      if (outcome(foreign) !== outcome(unknown)) {
        differences += 1;
        violations.push(`different answer | ${label} | foreign ${outcome(foreign)} vs unknown ${outcome(unknown)} | ${foreign.text.slice(0, 160)}`);
      }
      const leaked = victim.markers.filter((marker) => foreign.text.includes(marker));
      if (leaked.length > 0) {
        reads += 1;
        violations.push(`read | ${label} | answer shows ${leaked.join(', ')}`);
      }
    }
    const after = await victimView(tenantRoutes, base);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path));
    for (const path of changed) violations.push(`change | GET ${path} | before ${before.get(path)?.slice(0, 120)} | after ${after.get(path)?.slice(0, 120)}`);

    reportFigures('tenant isolation', {
      tenantRoutes: tenantRoutes.length, probes: all.length, requests, differences, reads, changes: changed.length, victimViews: before.size, seed: faultSeed(),
    });
    expect(tenantRoutes.length).toBeGreaterThan(20);
    expect(before.size).toBeGreaterThan(5);
    // The markers are data the victim itself reads, so an answer showing one to the attacker is a read.
    for (const marker of victim.markers) expect([...before.values()].some((text) => text.includes(marker))).toBe(true);
    expect(violations.sort()).toEqual([]);
  }, faultScale(120_000, 900_000));
});
