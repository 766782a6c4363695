/**
 * Where reads run beside writes (PostgreSQL's pool), the accounts' read cache must not keep a row read while a change
 * to it was in flight: the next read after the change sees the change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineRuns, openTestEngine, type TestEngine } from '../../../test/helpers/engines.js';
import { createSecretBox } from '../secret-box.js';
import { SqlAccounts } from './sql-accounts.js';

describe.skipIf(!engineRuns('postgres'))('SqlAccounts read cache on a pool', () => {
  let postgres: TestEngine;
  beforeAll(async () => {
    postgres = await openTestEngine('postgres');
  });
  afterAll(() => postgres?.dispose());

  it('forgets a read made while an update of the same row was waiting for its lock', async () => {
    const accounts = new SqlAccounts(postgres.engine, { secrets: createSecretBox('cache-race-secret') });
    const account = await accounts.createAccount({ name: 'before' }, 1);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another transaction holds the row, so the update waits; reads still answer (MVCC) with the old row.
    const holder = postgres.engine.db.transaction().execute(async (trx) => {
      await trx.selectFrom('accounts').select('id').where('id', '=', account.id).forUpdate().execute();
      locked();
      await released;
    });
    await isLocked;
    const update = accounts.updateAccount(account.id, { name: 'after' }, 2);
    expect((await accounts.getAccount(account.id))?.name).toBe('before');
    release();
    await holder;
    expect((await update)?.name).toBe('after');
    expect((await accounts.getAccount(account.id))?.name).toBe('after');
  });
});
