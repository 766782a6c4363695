/** Start-up refuses a PostgreSQL DATABASE_URL while that engine serves only part of the store, and says what to do. */
import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';

describe('openStore', () => {
  it('refuses postgres:// with a message naming what runs on PostgreSQL so far and how to use SQLite', () => {
    const open = () => openStore({ dataDir: '/nonexistent', databaseUrl: 'postgres://gw@db.internal/switchboard', secretKey: 'x' });
    expect(open).toThrow(/only accounts, API keys and phone numbers run on it so far/);
    expect(open).toThrow(/Unset DATABASE_URL/);
  });
});
