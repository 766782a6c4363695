/**
 * The route fuzzer: every route of the route table, with every input class that applies, with valid, invalid, missing
 * and wrong-scope keys, over a real socket. No answer may be a 5xx, every error must be problem+json from the catalog
 * (Graph's shape on the Cloud routes), and memory must stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { checkAnswer, type Violation } from './answer-check.js';
import { sendFault, type FaultRequest } from './fault-http.js';
import { faultScale, reportFigures } from './fault-scale.js';
import { seedTenant, type SeededTenant } from './fault-tenants.js';
import { INPUT_CLASSES, type InputClass, type InputContext } from './fuzz-inputs.js';
import { routeTable, type RouteEntry } from './route-table.js';
import { fillPath, scopesOf, type Scope } from './route-scopes.js';
import { acceptedBody, foundParams, matchesRoute, type ParamValues } from './route-targets.js';
import { faultRandoms, faultSeed, type Random } from './fault-random.js';

const BODY_LIMIT = 64 * 1024;
const KEY_KINDS = ['valid', 'valid', 'valid', 'valid', 'bearer', 'invalid', 'none', 'other-scope'] as const;
type KeyKind = (typeof KEY_KINDS)[number];

interface Finding {
  readonly violation: Violation;
  readonly method: string;
  readonly route: string;
  readonly inputClass: string;
  readonly key: KeyKind;
  readonly status: number;
  readonly example: string;
}

let g: TestGateway;
let fuzzing: SeededTenant;
let bystander: SeededTenant;

beforeAll(async () => {
  g = await startTestGateway({ limits: { bodyLimitBytes: BODY_LIMIT, mediaLimitBytes: 4 * BODY_LIMIT } });
  fuzzing = await seedTenant(g, 'fuzzing', '4915110000001');
  bystander = await seedTenant(g, 'bystander', '4915120000001');
});
afterAll(async () => g?.close());

function keyHeaders(kind: KeyKind, scope: Scope): Record<string, string> {
  const own = scope === 'admin' ? g.adminKey : fuzzing.key;
  const other = scope === 'admin' ? fuzzing.key : g.adminKey;
  switch (kind) {
    case 'valid':
      return { 'x-api-key': own };
    case 'bearer':
      return { authorization: `Bearer ${own}` };
    case 'invalid':
      return { 'x-api-key': `${own.slice(0, 12)}wrong` };
    case 'none':
      return {};
    case 'other-scope':
      return { 'x-api-key': other };
  }
}

/**
 * Path parameters aim at the fuzzing tenant's own data, mostly at ids the route finds; the operator's routes at the
 * bystander's, so no fuzz disables the fuzzer. Bodies are mutated from one the route accepted, where there is one.
 */
function inputContext(random: Random, found: ParamValues, accepted: ReadonlyMap<RouteEntry, unknown>): InputContext {
  return {
    random,
    bodyLimitBytes: BODY_LIMIT,
    acceptedBody: (route) => accepted.get(route),
    paramValue(route, name) {
      const hit = found(route, name);
      if (hit !== undefined && random.chance(0.7)) return hit;
      const tenant = route.path.startsWith('/v1/admin') ? bystander : fuzzing;
      const byName: Record<string, readonly string[]> = {
        version: ['v21.0', 'v1.0'], phoneNumberId: [tenant.phoneNumberId], namespace: ['meta', 'gateway'], code: ['131047', 'not_found'],
        waId: [tenant.optedOut], name: ['hello_world'], '*': ['index.css', 'x'],
      };
      return random.pick(byName[name] ?? [...tenant.ids, 'msg_0000000000000000000000000', 'unknown']);
    },
  };
}

/** What the fuzz starts from: ids each route finds, and a body each route accepts. */
async function targetsOf(routes: readonly RouteEntry[], scopes: ReadonlyMap<RouteEntry, Scope>, base: URL, random: Random) {
  const headersFor = (route: RouteEntry) => keyHeaders('valid', scopes.get(route)!);
  const found = await foundParams(routes, base, headersFor, [...fuzzing.ids, ...bystander.ids]);
  const ctx = inputContext(random, found, new Map());
  const accepted = new Map<RouteEntry, unknown>();
  for (const route of routes.filter((r) => r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD')) {
    const path = fillPath(route, (name) => found(route, name) ?? ctx.paramValue(route, name));
    const corpus = fuzzing.accepted.filter((a) => a.method === route.method && matchesRoute(route, a.path)).map((a) => a.body);
    const body = await acceptedBody(route, path, headersFor(route), base, random, corpus);
    if (body !== undefined) accepted.set(route, body);
  }
  return { found, accepted };
}

describe('route fuzzer', () => {
  it('answers every generated request below 500, with problem+json from the catalog, in bounded memory', async () => {
    const base = new URL(g.url);
    const routes = routeTable(g.app);
    const documented = Object.keys((g.app.swagger() as { paths: object }).paths).length;
    expect(routes.length).toBeGreaterThan(documented);
    const scopes = await scopesOf(routes, base, fuzzing.key, () => 'x');
    const pairs = routes.flatMap((route) => INPUT_CLASSES.filter((c) => c.applies(route)).map((c) => [route, c] as const));
    const passes = faultScale(3, 10);
    const jobs = Array.from({ length: passes }, () => pairs).flat();
    // One draw source per request, so a request's input depends on the seed and its place alone, not on its neighbours.
    const [targetRandom, ...jobRandoms] = faultRandoms(1 + jobs.length);
    const { found, accepted } = await targetsOf(routes, scopes, base, targetRandom!);
    const rssBefore = process.memoryUsage().rss;
    const findings: Finding[] = [];
    const figures = { requests: 0, answers5xx: 0, honestUnavailable: 0, nonProblem: 0, unknownCode: 0, internals: 0, noAnswer: 0 };
    const run = async (route: RouteEntry, inputClass: InputClass, random: Random) => {
      const key = random.pick(KEY_KINDS);
      const input = inputClass.build(route, inputContext(random, found, accepted));
      const request: FaultRequest = { ...input, headers: { ...input.headers, ...keyHeaders(key, scopes.get(route)!) } };
      figures.requests += 1;
      const record = (violation: Violation, status: number, example: string) =>
        findings.push({ violation, method: route.method, route: route.path, inputClass: inputClass.name, key, status, example: `${request.path.slice(0, 80)} ${request.body?.subarray(0, 100).toString('utf8') ?? request.raw?.slice(0, 100) ?? ''} → ${example.slice(0, 160)}` });
      try {
        const answer = await sendFault(base, request);
        const { violations } = checkAnswer(answer, route.method);
        if (answer.status >= 500) figures.answers5xx += 1;
        if (answer.status >= 500 && !violations.includes('5xx')) figures.honestUnavailable += 1;
        for (const v of violations) record(v, answer.status, `${answer.contentType} ${answer.text}`);
      } catch (error) {
        record('no answer', 0, String(error));
      }
    };
    // Eight requests in flight: enough to overlap the gateway's work, few enough to keep the order reproducible-ish.
    for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map(([route, inputClass], j) => run(route, inputClass, jobRandoms[i + j]!)));
    const rssGrowthMiB = Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20);

    for (const f of findings) {
      if (f.violation === 'not problem+json') figures.nonProblem += 1;
      if (f.violation === 'unknown catalog code') figures.unknownCode += 1;
      if (f.violation === 'framework internals') figures.internals += 1;
      if (f.violation === 'no answer') figures.noAnswer += 1;
    }
    reportFigures('route fuzz', { routes: routes.length, acceptedBodies: accepted.size, inputClasses: INPUT_CLASSES.length, ...figures, failing: findings.length, rssGrowthMiB, seed: faultSeed() });
    expect(summarise(findings)).toEqual([]);
    expect(rssGrowthMiB).toBeLessThan(128);
  }, faultScale(120_000, 900_000));
});

/** One line per (violation, method, route, input class, status): how often, with one example request. */
function summarise(findings: readonly Finding[]): string[] {
  const groups = new Map<string, { count: number; example: Finding }>();
  for (const f of findings) {
    const key = `${f.violation} | ${f.method} ${f.route} | ${f.inputClass} | ${f.status}`;
    const group = groups.get(key) ?? { count: 0, example: f };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups].map(([key, { count, example }]) => `${key} | ×${count} | key=${example.key} | ${example.example}`).sort();
}
