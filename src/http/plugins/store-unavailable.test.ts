/**
 * A database that cannot be reached or stays locked answers 503 store_unavailable with Retry-After over a real
 * socket, never a bare 500: PostgreSQL pointed at a port nobody listens on, and a SQLite file another connection holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.js';
import { createSecretBox } from '../../store/secret-box.js';
import { createPostgresEngine } from '../../store/postgres/postgres-engine.js';
import { SqlAccounts } from '../../store/sql/sql-accounts.js';
import { openSqliteDatabase } from '../../store/sqlite/sqlite-database.js';
import { createSqliteEngine } from '../../store/sqlite/sqlite-engine.js';
import type { AccountStore, Store } from '../../store/store.js';
import { buildApp } from '../app.js';
import { problemPlugin } from './problem.js';

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

/** The store with its accounts, keys and numbers read from `accounts` instead. */
function withAccounts(store: Store, accounts: AccountStore): Store {
  return new Proxy(store, {
    get: (target, prop) => {
      const from = prop in accounts && typeof Reflect.get(accounts, prop) === 'function' ? accounts : target;
      const value: unknown = Reflect.get(from, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(from) : value;
    },
  });
}

describe('store_unavailable', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-unavailable-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const secrets = createSecretBox('store-unavailable-test-secret');

  it('answers 503 with Retry-After when PostgreSQL cannot be reached', async () => {
    const engine = createPostgresEngine({ url: `postgres://postgres@127.0.0.1:${await unusedPort()}/test`, connectTimeoutMs: 2_000 });
    const store = await openStore({ dataDir, databaseUrl: undefined, secretKey: 'store-unavailable-test-secret' });
    const app = await buildApp({ store: withAccounts(store, new SqlAccounts(engine, { secrets })), logger: false });
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${url}/v1/messages`, { headers: { authorization: 'Bearer sk_live_whatever' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = (await res.json()) as { code: string; retryable: boolean; detail: string };
      expect(body).toMatchObject({ code: 'store_unavailable', retryable: true });
      expect(body.detail).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    } finally {
      await app.close();
      await store.close();
      await engine.close();
    }
  });

  it('answers 503 with Retry-After when the SQLite file stays locked past busy_timeout', async () => {
    const file = join(dataDir, 'locked.db');
    const connection = openSqliteDatabase(file);
    connection.pragma('busy_timeout = 50');
    const holder = new Database(file);
    const app = Fastify({ logger: false });
    problemPlugin(app);
    const accounts = new SqlAccounts(createSqliteEngine(connection), { secrets });
    app.post('/accounts', async () => accounts.createAccount({ name: 'late' }, Date.now()));
    try {
      holder.exec('BEGIN IMMEDIATE');
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${url}/accounts`, { method: 'POST' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { code: string }).code).toBe('store_unavailable');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      await app.close();
      connection.close();
    }
  });
});
