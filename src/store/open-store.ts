/** Picks and opens the store the configuration names: the embedded SQLite file by default. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from './secret-box.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  readonly dataDir: string;
  /** `sqlite:<path>` / `file:<path>`, or a postgres:// URL once every port runs on it; undefined = `<dataDir>/switchboard.db`. */
  readonly databaseUrl: string | undefined;
  /** Encrypts access tokens at rest; undefined = a key generated once into `<dataDir>/secret.key`. */
  readonly secretKey: string | undefined;
}

/** Reads or creates the data dir's encryption key (mode 0600), so tokens survive restarts without configuration. */
function dataDirSecret(dataDir: string): string {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

export function sqliteFileOf(config: StoreConfig): string | undefined {
  const url = config.databaseUrl;
  if (url === undefined || url === '') return resolve(config.dataDir, 'switchboard.db');
  const match = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  if (match?.[1] === ':memory:') throw new Error('the embedded store needs a file (its writer thread opens a second connection)');
  return match ? resolve(match[1]!) : undefined;
}

export async function openStore(config: StoreConfig, options: { maxGroupItems?: number } = {}): Promise<Store> {
  const file = sqliteFileOf(config);
  if (file === undefined) {
    if (/^postgres(ql)?:/.test(config.databaseUrl ?? ''))
      throw new Error(
        'DATABASE_URL points at PostgreSQL, which this version cannot serve from yet: only accounts, API keys and phone ' +
          'numbers run on it so far, messages, dispatch and webhooks still need the embedded store. Unset DATABASE_URL ' +
          '(or give a sqlite: URL) to use SQLite; see docs/storage.md.',
      );
    throw new Error(`DATABASE_URL "${config.databaseUrl}" is not a sqlite: or file: URL`);
  }
  const secrets = createSecretBox(config.secretKey ?? dataDirSecret(config.dataDir));
  return new SqliteStore({ file, secrets, ...(options.maxGroupItems ? { maxGroupItems: options.maxGroupItems } : {}) });
}
