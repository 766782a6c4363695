/** Runs the store conformance suite on the embedded SQLite store, plus what only a file on disk can show. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { describeStoreConformance } from '../store.conformance.js';

function tempStore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
  const store = openStore({ dataDir, databaseUrl: undefined, secretKey: undefined });
  return { dataDir, store, dispose: async () => (await store.close(), rmSync(dataDir, { recursive: true, force: true })) };
}

describeStoreConformance('sqlite', async () => tempStore());

describe('sqlite specifics', () => {
  it('runs in WAL mode and never stores a token in clear', async () => {
    const { dataDir, store, dispose } = tempStore();
    const account = await store.createAccount({ name: 'x' }, 1);
    await store.createNumber({ phoneNumberId: '1', displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id, accessToken: 'EAAplain' }, 1);
    const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const sealed = db.prepare('SELECT access_token_sealed FROM phone_numbers').pluck().get() as string;
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('EAAplain');
    db.close();
    await dispose();
  });

  it('refuses PostgreSQL URLs until that backend exists, and in-memory databases', () => {
    expect(() => openStore({ dataDir: '/tmp', databaseUrl: 'postgres://x', secretKey: 'k'.repeat(16) })).toThrow(/PostgreSQL/);
    expect(() => openStore({ dataDir: '/tmp', databaseUrl: 'sqlite::memory:', secretKey: 'k'.repeat(16) })).toThrow(/file/);
  });
});
