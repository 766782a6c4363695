/** Reads a scenario file (JSON or YAML) into a `ScenarioFile`, refusing keys it does not know so that typos do not pass silently. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { ScenarioFile } from './types.js';

const KEYS = ['businesses', 'phoneNumbers', 'templates', 'contacts', 'faults', 'webhook', 'links', 'inbound', 'health'] as const;

export function parseScenario(text: string, source = 'scenario'): ScenarioFile {
  const data: unknown = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${source}: a scenario is an object`);
  for (const [key, value] of Object.entries(data)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new Error(`${source}: unknown key "${key}" (known: ${KEYS.join(', ')})`);
    if (key !== 'webhook' && !Array.isArray(value)) throw new Error(`${source}: "${key}" must be a list`);
  }
  return data as ScenarioFile;
}

export async function readScenario(path: string): Promise<ScenarioFile> {
  return parseScenario(await readFile(path, 'utf8'), path);
}
