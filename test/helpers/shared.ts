/** Locates the project's shared/ folder (the specification beside the repository), which a user's clone may lack. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.SWITCHBOARD_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');

export function sharedPath(relative: string): string {
  return resolve(SHARED_DIR, relative);
}

export function hasShared(relative: string): boolean {
  return existsSync(sharedPath(relative));
}

export interface SeedRow {
  readonly source: string;
  readonly seedFile: string;
  readonly kind: string;
  readonly code: string;
  readonly http: string;
  readonly label: string;
}

export function readSeedRows(): SeedRow[] {
  const [, ...lines] = readFileSync(sharedPath('seed-errors.tsv'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const [source = '', seedFile = '', kind = '', code = '', http = '', label = ''] = line.split('\t');
    return { source, seedFile, kind, code, http, label };
  });
}
