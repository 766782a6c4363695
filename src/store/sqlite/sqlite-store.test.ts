/** What only the embedded store's file on disk can show (the conformance suites run on every engine: sql-store.test.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../migrations/migrations.js';
import { openStore } from '../open-store.js';

async function tempStore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
  const store = await openStore({ dataDir, databaseUrl: undefined, secretKey: undefined });
  return { dataDir, store, dispose: async () => (await store.close(), rmSync(dataDir, { recursive: true, force: true })) };
}

describe('sqlite specifics', () => {
  it('runs in WAL mode and never stores a token in clear', async () => {
    const { dataDir, store, dispose } = await tempStore();
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

  it('moves media stored whole before chunks into one chunk each', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
    const before = new Database(join(dataDir, 'switchboard.db'));
    before.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.id < 7)) {
      for (const statement of m.statements) before.exec(statement);
      before.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, 0)').run(m.id, m.name);
    }
    before.prepare(`INSERT INTO media (id, account_id, number_id, mime_type, bytes, sha256, filename, content, created_at)
      VALUES ('med_old', 'acct_1', NULL, 'image/png', 2, 'x', NULL, ?, 1)`).run(Buffer.from([7, 8]));
    before.close();
    const store = await openStore({ dataDir, databaseUrl: undefined, secretKey: undefined });
    expect(await store.mediaBytesStored('acct_1')).toBe(2);
    const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
    expect([...(db.prepare(`SELECT content FROM media_chunks WHERE media_id = 'med_old'`).pluck().get() as Buffer)]).toEqual([7, 8]);
    db.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the prices set before dated prices, as in effect always', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
    const before = new Database(join(dataDir, 'switchboard.db'));
    before.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.id < 13)) {
      for (const statement of m.statements) before.exec(statement);
      before.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, 0)').run(m.id, m.name);
    }
    before.prepare(`INSERT INTO credit_prices (account_id, category, country, price) VALUES ('acct_1', 'utility', 'DE', 7)`).run();
    before.close();
    const store = await openStore({ dataDir, databaseUrl: undefined, secretKey: undefined });
    expect(await store.controls.listPrices('acct_1')).toEqual([{ category: 'utility', country: 'DE', price: 7 }]);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps pending and failed webhook deliveries, removes those already delivered, and carries their attempts into the table keyed by endpoint', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
    const before = new Database(join(dataDir, 'switchboard.db'));
    before.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.id < 16)) {
      for (const statement of m.statements) before.exec(statement);
      before.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, 0)').run(m.id, m.name);
    }
    for (const status of ['pending', 'delivered', 'failed']) {
      before.prepare(`INSERT INTO webhook_deliveries (id, event_id, endpoint_id, account_id, status, attempts, created_at, updated_at)
        VALUES (?, ?, 'ep_1', 'acct_1', ?, 1, 1, 1)`).run(`dlv_${status}`, `evt_${status}`, status);
    }
    before.prepare(`INSERT INTO webhook_attempts (id, endpoint_id, delivery_id, event_id, url, trigger, outcome, duration_ms, created_at)
      VALUES ('atmpt_1', 'ep_1', 'dlv_delivered', 'evt_delivered', 'https://x.example', 'scheduled', 'delivered', 3, 1)`).run();
    before.close();
    const store = await openStore({ dataDir, databaseUrl: undefined, secretKey: undefined });
    await store.close();
    const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
    expect(db.prepare('SELECT id FROM webhook_deliveries ORDER BY id').pluck().all()).toEqual(['dlv_failed', 'dlv_pending']);
    expect(db.prepare('SELECT delivery_id FROM webhook_attempts').pluck().all()).toEqual(['dlv_delivered']);
    // Attempts are keyed by endpoint and id, with no row id and no index beside the one retention walks by time.
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'webhook_attempts'`).pluck().get()).toMatch(/PRIMARY KEY \(endpoint_id, id\)\) WITHOUT ROWID$/);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'webhook_attempts'`).pluck().all()).toEqual(['webhook_attempts_created']);
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sees its own credit debits at once through the accounts\u2019 read cache', async () => {
    const { store, dispose } = await tempStore();
    const account = await store.createAccount({ name: 'x', credit: 10 }, 1);
    const number = await store.createNumber({ phoneNumberId: '1', displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id }, 1);
    expect((await store.getAccount(account.id))?.credit).toBe(10);
    const item = { accountId: account.id, numberId: number.id, to: '4915112345678', type: 'text', payload: {}, creditCost: 3 } as const;
    await store.acceptMessages([item], 2);
    expect((await store.getAccount(account.id))?.credit).toBe(7);
    await dispose();
  });

  it('refuses an in-memory database and a URL of no engine it knows, saying why', async () => {
    await expect(openStore({ dataDir: '/tmp', databaseUrl: 'sqlite::memory:', secretKey: 'k'.repeat(16) })).rejects.toThrow(/needs a file/);
    await expect(openStore({ dataDir: '/tmp', databaseUrl: 'mysql://x', secretKey: 'k'.repeat(16) })).rejects.toThrow(/neither a postgres:\/\/ URL nor a sqlite: or file: URL/);
  });
});
