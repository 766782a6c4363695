/** A real SQLite store in a temporary data dir, for use-case tests; `dispose` closes it and removes the dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl } from './test-database.js';

export interface TempStore {
  readonly dataDir: string;
  readonly store: Store;
  dispose(): Promise<void>;
}

export async function openTempStore(): Promise<TempStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-app-'));
  const store = await openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir), secretKey: undefined });
  return {
    dataDir,
    store,
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh temporary store for each test of the enclosing `describe`; read `.store` inside tests. */
export function useTempStore(): { readonly store: Store } {
  let current: TempStore | undefined;
  beforeEach(async () => void (current = await openTempStore()));
  afterEach(() => current?.dispose());
  return {
    get store() {
      if (!current) throw new Error('useTempStore: read .store inside a test');
      return current.store;
    },
  };
}
