import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { eachSlot, paddedIdRuns, perLength, powerOfTwoRuns, precompile, rowSlots } from './precompiled.js';
import type { Database } from './schema.js';

// Compiles only: a driver that runs nothing.
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new SqliteIntrospector(k),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

describe('precompiled queries', () => {
  it('keep their SQL and bind each call\u2019s values where the slots were, constants where they were', () => {
    const lease = precompile<{ owner: string; ids: readonly string[] }, unknown>((slot) =>
      db.updateTable('webhook_deliveries').set({ lease_owner: slot((v) => v.owner), attempts: 7 }).where('id', 'in', eachSlot(slot, 2, (v) => v.ids)));
    const first = lease({ owner: 'w1', ids: ['a', 'b'] });
    const second = lease({ owner: 'w2', ids: ['c', 'd'] });
    expect(second.sql).toBe(first.sql);
    expect(first.parameters).toEqual(['w1', 7, 'a', 'b']);
    expect(second.parameters).toEqual(['w2', 7, 'c', 'd']);
  });

  it('compile one variant per list length, rows of one slot per column', () => {
    let compiled = 0;
    const insert = perLength((n) => {
      compiled += 1;
      return precompile<readonly { id: string; at: number }[], unknown>((slot) =>
        db.insertInto('events').values(rowSlots(slot, n, { id: (e) => e.id, account_id: () => 'acct', type: () => 't', subject_id: () => null, payload: () => '{}', created_at: (e) => e.at })));
    });
    expect(insert(2)([{ id: 'e1', at: 1 }, { id: 'e2', at: 2 }]).parameters).toEqual(['e1', 'acct', 't', null, '{}', 1, 'e2', 'acct', 't', null, '{}', 2]);
    expect(insert(2)).toBe(insert(2));
    insert(1);
    expect(compiled).toBe(2);
  });
});

describe('list shapes', () => {
  it('splits rows into runs whose lengths are powers of two, longest first, none longer than 1024', () => {
    expect(powerOfTwoRuns(Array.from({ length: 13 }, (_, i) => i)).map((r) => r.length)).toEqual([8, 4, 1]);
    expect(powerOfTwoRuns(Array.from({ length: 2500 }, (_, i) => i)).map((r) => r.length)).toEqual([1024, 1024, 256, 128, 64, 4]);
    expect(powerOfTwoRuns(Array.from({ length: 13 }, (_, i) => i)).flat()).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(powerOfTwoRuns([])).toEqual([]);
  });

  it('pads id lists to a power of two by repeating the last id, in runs of at most 1024', () => {
    expect(paddedIdRuns(['a', 'b', 'c'])).toEqual([['a', 'b', 'c', 'c']]);
    expect(paddedIdRuns(['a'])).toEqual([['a']]);
    expect(paddedIdRuns([])).toEqual([]);
    const many = Array.from({ length: 1030 }, (_, i) => `id${i}`);
    expect(paddedIdRuns(many).map((r) => [r.length, r.at(-1)])).toEqual([[1024, 'id1023'], [8, 'id1029']]);
  });
});
