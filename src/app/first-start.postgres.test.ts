/**
 * First start on one empty PostgreSQL schema by two processes at once: each reads "no admin key, no account" only
 * after the other's set-up committed, so the admin key and the demo are created once. The race is forced: each side
 * waits (up to a bound) for the other to be reading too, which only the start lock keeps from happening.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, engineRuns } from '../../test/helpers/engines.js';
import { TEST_POSTGRES_URL } from '../../test/helpers/postgres-server.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { runFirstStart, type FirstStart } from './first-start.js';

describe.skipIf(!engineRuns('postgres'))('runFirstStart on a shared database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-first-start-'));
  let schema: { readonly schema: string; drop(): Promise<void> };
  const stores: Store[] = [];

  beforeAll(async () => {
    schema = await createTestSchema();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await schema.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the admin key and the demo account once when two processes start together', async () => {
    const open = async () => {
      const store = await openStore({ dataDir, databaseUrl: `${TEST_POSTGRES_URL}?schema=${schema.schema}`, secretKey: 'first-start-secret-key-0123' });
      stores.push(store);
      return store;
    };
    const [one, two] = [await open(), await open()];
    let reading = 0;
    /** The store as one process sees it, whose first read waits for the other process to read as well (1 s at most). */
    const racing = (store: Store): Store => {
      const gated = Object.create(store) as Store;
      gated.countActiveKeys = async (kind) => {
        reading += 1;
        for (let waited = 0; reading < 2 && waited < 1_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
        return store.countActiveKeys(kind);
      };
      return gated;
    };
    const settings = { adminKey: undefined, demo: true };
    const starts: FirstStart[] = await Promise.all([one, two].map((store) => runFirstStart(racing(store), settings, undefined, Date.now)));
    expect(starts.filter((s) => s.adminKey !== undefined)).toHaveLength(1);
    expect(starts.filter((s) => s.demo !== undefined)).toHaveLength(1);
    expect(await one.countActiveKeys('admin')).toBe(1);
    expect((await two.listAccounts()).map((a) => a.name)).toEqual(['demo']);
  });
});
