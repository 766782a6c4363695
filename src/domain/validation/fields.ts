/** Small readers for untrusted JSON: each either returns the typed value or throws the catalog error naming the field. */
import { gatewayError } from '../../catalog/switchboard-error.js';

export type Json = Record<string, unknown>;

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wrongType(path: string, expected: string): never {
  throw gatewayError('invalid_request', { detail: `\`${path}\` must be ${expected}.`, field: path });
}

export function missing(path: string): never {
  throw gatewayError('missing_required_field', { detail: `\`${path}\` is required.`, field: path });
}

export function requireObject(parent: Json, key: string, path: string): Json {
  const value = parent[key];
  const at = join(path, key);
  if (value === undefined || value === null) missing(at);
  if (!isObject(value)) wrongType(at, 'an object');
  return value;
}

export function optionalObject(parent: Json, key: string, path: string): Json | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) wrongType(join(path, key), 'an object');
  return value;
}

export function requireString(parent: Json, key: string, path: string): string {
  const value = parent[key];
  const at = join(path, key);
  if (value === undefined || value === null || value === '') missing(at);
  if (typeof value !== 'string') wrongType(at, 'a string');
  return value;
}

export function optionalString(parent: Json, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') wrongType(join(path, key), 'a string');
  return value;
}

/** Numbers may arrive as numeric strings (Meta accepts both for coordinates). */
export function requireNumber(parent: Json, key: string, path: string): number {
  const value = parent[key];
  const at = join(path, key);
  if (value === undefined || value === null || value === '') missing(at);
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) wrongType(at, 'a number');
  return n;
}

export function requireArray(parent: Json, key: string, path: string, options: { min?: number; max?: number } = {}): unknown[] {
  const value = parent[key];
  const at = join(path, key);
  if (value === undefined || value === null) missing(at);
  if (!Array.isArray(value)) wrongType(at, 'an array');
  if (options.min !== undefined && value.length < options.min) wrongType(at, `an array of at least ${options.min} item(s)`);
  if (options.max !== undefined && value.length > options.max) wrongType(at, `an array of at most ${options.max} items`);
  return value;
}

export function requireMaxLength(value: string, max: number, path: string): void {
  if ([...value].length > max) throw gatewayError('invalid_request', { detail: `\`${path}\` is longer than ${max} characters.`, field: path });
}
