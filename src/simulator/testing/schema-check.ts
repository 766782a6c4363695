/**
 * Checks a value against a schema from Meta's OpenAPI document: the JSON Schema subset that document uses
 * (type, properties, required, items, enum, const, $ref, allOf, anyOf, oneOf with discriminator, additionalProperties: false).
 * A small checker rather than a dependency: the repository's top-level ajv is eslint's v6, which reads neither 3.1 nor 2020-12.
 */
type Schema = Record<string, unknown>;

export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

export function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Schema)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: unknown, actual: string): boolean {
  const types = Array.isArray(expected) ? expected : [expected];
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

export function checkSchema(root: Schema, schema: Schema, value: unknown, path = '$'): SchemaProblem[] {
  if (typeof schema.$ref === 'string') return checkSchema(root, resolveRef(root, schema.$ref), value, path);
  const problems: SchemaProblem[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined && !(typeMatches(schema.type, actual) || (schema.nullable === true && actual === 'null'))) {
    return [{ path, message: `expected ${JSON.stringify(schema.type)}, got ${actual}` }];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push({ path, message: `not one of ${JSON.stringify(schema.enum)}` });
  if ('const' in schema && schema.const !== value) problems.push({ path, message: `expected ${JSON.stringify(schema.const)}` });
  const discriminator = schema.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
  const tag = actual === 'object' && discriminator ? (value as Schema)[discriminator.propertyName] : undefined;
  const mapped = typeof tag === 'string' ? discriminator?.mapping?.[tag] : undefined;
  if (mapped !== undefined) {
    // OpenAPI's discriminator names the one oneOf branch that applies.
    const { oneOf: _oneOf, anyOf: _anyOf, discriminator: _d, ...rest } = schema;
    return [...checkSchema(root, rest, value, path), ...checkSchema(root, { $ref: mapped }, value, path)];
  }
  for (const sub of (schema.allOf as Schema[] | undefined) ?? []) problems.push(...checkSchema(root, sub, value, path));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (!options) continue;
    const results = options.map((o) => checkSchema(root, o, value, path));
    if (results.some((r) => r.length === 0)) continue;
    // Report the nearest option's problems: they say what to fix far better than "matches none".
    const nearest = results.reduce((a, b) => (b.length < a.length ? b : a));
    problems.push({ path, message: `matches none of ${key}; nearest option says:` }, ...nearest);
  }
  if (actual === 'object') {
    const object = value as Schema;
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in object)) problems.push({ path: `${path}.${key}`, message: 'required' });
    }
    for (const [key, v] of Object.entries(object)) {
      const sub = properties[key];
      if (sub) problems.push(...checkSchema(root, sub, v, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push({ path: `${path}.${key}`, message: 'not allowed' });
    }
  }
  if (actual === 'array' && typeof schema.items === 'object' && schema.items !== null) {
    (value as unknown[]).forEach((item, i) => problems.push(...checkSchema(root, schema.items as Schema, item, `${path}[${i}]`)));
  }
  return problems;
}
