/** Picks and opens the store the configuration names: the embedded SQLite file by default. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from './secret-box.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { isPostgresUrl, parsePostgresUrl } from './postgres/postgres-url.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import type { WakeUps } from '../runtime/wake-ups.js';

export interface StoreConfig {
  readonly dataDir: string;
  /** `postgres://…` (optionally `?schema=<name>`), or `sqlite:<path>` / `file:<path>`; undefined = `<dataDir>/switchboard.db`. */
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

export interface OpenStoreOptions {
  readonly maxGroupItems?: number;
  /** The embedded file is shared with a partner process; these wake-ups reach it (ignored by PostgreSQL, which has its own). */
  readonly partner?: WakeUps;
}

export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const secrets = createSecretBox(config.secretKey ?? dataDirSecret(config.dataDir));
  const groups = options.maxGroupItems ? { maxGroupItems: options.maxGroupItems } : {};
  if (isPostgresUrl(config.databaseUrl)) return openPostgresStore({ ...parsePostgresUrl(config.databaseUrl), secrets, ...groups });
  const file = sqliteFileOf(config);
  if (file === undefined) throw new Error(`DATABASE_URL "${config.databaseUrl}" is neither a postgres:// URL nor a sqlite: or file: URL`);
  return openSqliteStore({ file, secrets, ...groups, ...(options.partner ? { partner: options.partner } : {}) });
}
