/** A real SQLite store in a temporary data dir, for use-case tests; `dispose` closes it and removes the dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export interface TempStore {
  readonly dataDir: string;
  readonly store: Store;
  dispose(): Promise<void>;
}

export function openTempStore(): TempStore {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-app-'));
  const store = openStore({ dataDir, databaseUrl: undefined, secretKey: undefined });
  return {
    dataDir,
    store,
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
