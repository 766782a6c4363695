/**
 * The fuzzer's input classes: for one route of the route table, a request that is malformed, oversized, deeply nested,
 * wrongly typed, non-finite, wrongly encoded, or odd in its query, path or headers. Bodies start from a sample of the
 * route's own OpenAPI schema, so the gateway's validation is passed often enough to reach the code behind it.
 */
import { gzipSync } from 'node:zlib';
import type { FaultRequest } from './fault-http.js';
import { fillPath } from './route-scopes.js';
import type { JsonSchema, RouteEntry } from './route-table.js';
import type { Random } from './fault-random.js';

export interface InputContext {
  readonly random: Random;
  /** A value for a path parameter that routes somewhere real (an existing id when there is one). */
  paramValue(route: RouteEntry, name: string): string;
  /** A body the route accepted, to mutate from; undefined when none was found. */
  acceptedBody(route: RouteEntry): unknown;
  /** Bytes just over the body limit the gateway was started with. */
  readonly bodyLimitBytes: number;
}

/** A request without its key: the fuzzer adds a valid, invalid or missing key of its own choosing. */
export type FuzzInput = Omit<FaultRequest, 'headers'> & { readonly headers: Record<string, string> };

export interface InputClass {
  readonly name: string;
  applies(route: RouteEntry): boolean;
  build(route: RouteEntry, ctx: InputContext): FuzzInput;
}

const NON_FINITE_TEXT = ['1e999', '-1e999', 'NaN', 'Infinity', '-Infinity', '1e308', '9007199254740993', '-0'];
const NON_FINITE_RAW = ['1e999', '-1e999', '1e400', '-0', '123456789012345678901234567890'];
const WRONG_VALUES: readonly unknown[] = [null, true, 0, -1, 1.5, '', 'x', [], {}, [1, 'a'], { nested: { deeper: [] } }, 'a'.repeat(5000)];
const hasBody = (route: RouteEntry) => !['GET', 'HEAD'].includes(route.method);
const hasQuery = (route: RouteEntry) => route.query !== undefined;
const always = () => true;

/**
 * A value that satisfies `schema` as far as a small sampler can (enums, required properties, bounds), with each optional
 * property taken at the odds `optional` (1: every field that could carry an id is there to be aimed at).
 */
export function sampleOf(schema: JsonSchema, random: Random, optional = 0.4, depth = 0): unknown {
  if (!schema || depth > 6) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return random.pick(schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) return sampleOf(random.pick(alternatives), random, optional, depth + 1);
  const type = Array.isArray(schema.type) ? random.pick(schema.type.filter((t: string) => t !== 'null')) : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set<string>(schema.required ?? []);
      const chosen = Object.keys(properties).filter((p) => required.has(p) || random.chance(optional));
      return Object.fromEntries(chosen.map((p) => [p, sampleOf(properties[p], random, optional, depth + 1)]));
    }
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, () => sampleOf(schema.items, random, optional, depth + 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return random.chance(0.5);
    case 'string':
      return stringSample(schema, random);
    default:
      return 'x';
  }
}

function stringSample(schema: JsonSchema, random: Random): string {
  if (schema.format === 'date-time') return new Date(Date.parse('2026-06-01T00:00:00Z') + random.int(1e9)).toISOString();
  if (schema.format === 'uri') return 'https://example.com/hook';
  if (schema.pattern === '^v[0-9]+\\.[0-9]+$') return 'v21.0';
  const base = random.pick(['4915112345678', 'hello_world', 'en_US', 'x', 'msg_00000000000000000000000000', 'https://93.184.215.14/hook']);
  return base.slice(0, schema.maxLength ?? base.length).padEnd(schema.minLength ?? 0, 'x');
}

/** Every JSON path (as keys) inside `value`, so a mutation can land anywhere, not only at the top. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return prefix.length === 0 ? [] : [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [...(prefix.length === 0 ? [] : [prefix]), ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

export function replaceAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : value === undefined && typeof head === 'number' ? [] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = replaceAt(copy[head!], rest, replacement);
  return copy;
}

/** Where the schema declares a number (objects' properties, arrays' first item), so non-finite values land there. */
function numericPaths(schema: JsonSchema, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (!schema || depth > 6) return [];
  const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('integer') || types.includes('number')) return [prefix];
  const alternatives: JsonSchema[] = schema.oneOf ?? schema.anyOf ?? [];
  const nested = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(([name, p]) => numericPaths(p, [...prefix, name], depth + 1));
  return [...nested, ...(schema.items ? numericPaths(schema.items, [...prefix, 0], depth + 1) : []), ...alternatives.flatMap((a) => numericPaths(a, prefix, depth + 1))];
}

/**
 * The route's sample body with one place replaced: a numeric field when `numeric` and the schema has one, else any
 * place of the sample (or a new field when the sample is flat).
 */
function mutated(route: RouteEntry, ctx: InputContext, replacement: unknown, numeric = false): unknown {
  const random = ctx.random;
  const sample = ctx.acceptedBody(route) ?? sampleOf(route.body ?? { type: 'object' }, random);
  const numbers = numeric ? numericPaths(route.body).filter((p) => p.length > 0) : [];
  if (numbers.length > 0) return replaceAt(sample, random.pick(numbers), replacement);
  const paths = pathsOf(sample);
  if (paths.length === 0) return { [random.pick(['limit', 'count', 'to', 'id'])]: replacement };
  return replaceAt(sample, random.pick(paths), replacement);
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const JSON_TYPE = { 'content-type': 'application/json' };

function bodyRequest(route: RouteEntry, ctx: InputContext, body: Buffer, headers: Record<string, string> = JSON_TYPE): FuzzInput {
  return { method: route.method, path: pathOf(route, ctx), headers: { ...headers }, body };
}

/** The route's path with real-looking parameters, or with `override` (sent unencoded) for every parameter. */
function pathOf(route: RouteEntry, ctx: InputContext, override?: () => string): string {
  return override ? route.path.replace(/:(\w+)|\*$/g, override) : fillPath(route, (name) => ctx.paramValue(route, name));
}

const MARK = '__raw_number__';

function rawNumberBody(route: RouteEntry, ctx: InputContext): Buffer {
  const text = JSON.stringify(mutated(route, ctx, MARK, true));
  return Buffer.from(text.replace(`"${MARK}"`, ctx.random.pick(NON_FINITE_RAW)));
}

function deeplyNested(random: Random): Buffer {
  const depth = random.pick([5_000, 20_000, 50_000]);
  return random.chance(0.5) ? Buffer.from('['.repeat(depth) + ']'.repeat(depth)) : Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

function multipart(random: Random, kind: 'no-boundary' | 'truncated' | 'odd'): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----fault' + random.int(1e9);
  const part = [`--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="a.png"', 'Content-Type: image/png', '', 'PNGDATA'.repeat(20)].join('\r\n');
  if (kind === 'no-boundary') return { body: Buffer.from(part + `\r\n--${boundary}--\r\n`), headers: { 'content-type': 'multipart/form-data' } };
  if (kind === 'truncated') return { body: Buffer.from(part.slice(0, random.int(part.length))), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  const odd = [`--${boundary}`, `Content-Disposition: form-data; name="${'n'.repeat(random.int(3000))}"`, '', 'value', `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="../../etc/passwd"', 'Content-Type: application/x-unknown', '', '\u0000\u0001', `--${boundary}--`, ''].join('\r\n');
  return { body: Buffer.from(odd), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function queryRequest(route: RouteEntry, ctx: InputContext, value: () => string): FuzzInput {
  const names = Object.keys(route.query?.properties ?? {});
  const query = names.map((n) => `${encodeURIComponent(n)}=${value()}`).join('&');
  return { method: route.method, path: `${pathOf(route, ctx)}?${query}`, headers: {} };
}

const BAD_SEGMENTS = ['%zz', '%', '%c0%af', '%00', '..%2f..%2f', '%ff%fe', '%E2%80%AE', 'a%20b', '%2e%2e'];

export const INPUT_CLASSES: readonly InputClass[] = [
  { name: 'valid-sample', applies: always, build: (r, c) => (hasBody(r) ? bodyRequest(r, c, json(c.acceptedBody(r) ?? sampleOf(r.body ?? { type: 'object' }, c.random))) : { method: r.method, path: pathOf(r, c), headers: {} }) },
  { name: 'wrong-type', applies: hasBody, build: (r, c) => bodyRequest(r, c, json(mutated(r, c, c.random.pick(WRONG_VALUES)))) },
  { name: 'non-finite-string', applies: hasBody, build: (r, c) => bodyRequest(r, c, json(mutated(r, c, c.random.pick(NON_FINITE_TEXT), true))) },
  { name: 'non-finite-raw', applies: hasBody, build: (r, c) => bodyRequest(r, c, rawNumberBody(r, c)) },
  { name: 'null-field', applies: hasBody, build: (r, c) => bodyRequest(r, c, json(mutated(r, c, null))) },
  { name: 'malformed-json', applies: hasBody, build: (r, c) => bodyRequest(r, c, Buffer.from(JSON.stringify(sampleOf(r.body, c.random)).slice(0, -1 - c.random.int(3)) + c.random.pick(['', ',', '}}', '\u0000', 'garbage']))) },
  { name: 'empty-body', applies: hasBody, build: (r, c) => bodyRequest(r, c, Buffer.alloc(0)) },
  { name: 'deep-nesting', applies: hasBody, build: (r, c) => bodyRequest(r, c, deeplyNested(c.random), { ...JSON_TYPE, ...(c.random.chance(0.5) ? { 'idempotency-key': `deep-${c.random.int(1e9)}` } : {}) }) },
  { name: 'oversized', applies: hasBody, build: (r, c) => bodyRequest(r, c, json({ padding: 'x'.repeat(c.bodyLimitBytes + 1) })) },
  { name: 'huge-string', applies: hasBody, build: (r, c) => bodyRequest(r, c, json(mutated(r, c, 'y'.repeat(Math.floor(c.bodyLimitBytes / 2))))) },
  { name: 'gzip-encoded', applies: hasBody, build: (r, c) => bodyRequest(r, c, gzipSync(JSON.stringify(sampleOf(r.body, c.random))), { ...JSON_TYPE, 'content-encoding': c.random.pick(['gzip', 'deflate', 'br', 'x-unknown']) }) },
  { name: 'bad-charset', applies: hasBody, build: (r, c) => bodyRequest(r, c, json(sampleOf(r.body, c.random)), { 'content-type': `application/json; charset=${c.random.pick(['ebcdic', 'utf-16', 'x-fault', '"'])}` }) },
  { name: 'invalid-utf8', applies: hasBody, build: (r, c) => bodyRequest(r, c, Buffer.concat([Buffer.from('{"to":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')])) },
  { name: 'wrong-content-type', applies: hasBody, build: (r, c) => bodyRequest(r, c, Buffer.from('<a>1</a>'), { 'content-type': c.random.pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'image/png', ';;;']) }) },
  { name: 'multipart-no-boundary', applies: hasBody, build: (r, c) => { const m = multipart(c.random, 'no-boundary'); return bodyRequest(r, c, m.body, m.headers); } },
  { name: 'multipart-truncated', applies: hasBody, build: (r, c) => { const m = multipart(c.random, 'truncated'); return bodyRequest(r, c, m.body, m.headers); } },
  { name: 'multipart-odd', applies: hasBody, build: (r, c) => { const m = multipart(c.random, 'odd'); return bodyRequest(r, c, m.body, m.headers); } },
  { name: 'query-non-finite', applies: hasQuery, build: (r, c) => queryRequest(r, c, () => c.random.pick(NON_FINITE_TEXT)) },
  { name: 'query-wrong-type', applies: hasQuery, build: (r, c) => queryRequest(r, c, () => c.random.pick(['', 'abc', '-1', '0', '1.5', 'true', 'null', '%5B%5D', 'a&limit=2&limit=3'])) },
  { name: 'query-huge', applies: always, build: (r, c) => ({ method: r.method, path: `${pathOf(r, c)}?${c.random.pick(Object.keys(r.query?.properties ?? { q: 1 }))}=${'q'.repeat(12_000)}`, headers: {} }) },
  { name: 'query-bad-encoding', applies: always, build: (r, c) => ({ method: r.method, path: `${pathOf(r, c)}?${c.random.pick(['limit=%zz', '%ff=1', 'a=%', 'cursor=%00', '=&=&'])}`, headers: {} }) },
  { name: 'path-bad-encoding', applies: (r) => r.params.length > 0, build: (r, c) => ({ method: r.method, path: pathOf(r, c, () => c.random.pick(BAD_SEGMENTS)), headers: {} }) },
  { name: 'path-long', applies: (r) => r.params.length > 0, build: (r, c) => ({ method: r.method, path: pathOf(r, c, () => 'p'.repeat(101 + c.random.int(400))), headers: {} }) },
  { name: 'path-bad-encoding-anywhere', applies: always, build: (r, c) => ({ method: r.method, path: `${pathOf(r, c)}/${c.random.pick(BAD_SEGMENTS)}`, headers: {} }) },
  { name: 'header-20kb', applies: always, build: (r, c) => ({ method: r.method, path: pathOf(r, c), headers: { 'x-padding': 'h'.repeat(20 * 1024) } }) },
  { name: 'header-odd', applies: always, build: (r, c) => ({ method: r.method, path: pathOf(r, c), headers: c.random.pick([{ 'x-request-id': 'r'.repeat(5000) }, { 'x-forwarded-for': 'not-an-address, ::zz' }, { accept: 'application/xml' }, { 'idempotency-key': 'k'.repeat(4000) }, { 'content-length': '0', 'content-type': 'application/json' }]) }) },
  { name: 'bad-framing', applies: always, build: (r, c) => ({ method: r.method, path: r.path, headers: {}, raw: c.random.pick([
    `${r.method} ${pathOf(r, c)} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`,
    `${r.method} ${pathOf(r, c)} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    `${r.method} ${pathOf(r, c)} HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n`,
    `${r.method} ${pathOf(r, c)} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    `${r.method} /${'%zz'} HTTP/1.1\r\nHost: x\r\n\r\n`,
  ]) }) },
];
