/** The SQLite accept transaction's counted limits on a real file, and the ledger's settle-or-refund rule. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import type { AcceptAdmission, Store } from '../store.js';
import { migrateSqlite } from './sqlite-database.js';
import { prepareLedgerSettlement } from './sqlite-credit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const open = (dataDir: string) => openStore({ dataDir, databaseUrl: undefined, secretKey: 'k'.repeat(24) });
/** One send through the store's accept transaction, answering its outcome's kind. */
async function sender(store: Store) {
  const account = await store.createAccount({ name: 'a', credit: 0 }, 1);
  const number = await store.createNumber({ phoneNumberId: '1', displayPhoneNumber: '+1 555 0100', wabaId: 'w', accountId: account.id }, 1);
  return async (to: string, now: number, admission: AcceptAdmission, creditCost = 0) => {
    const [result] = await store.acceptMessages([{ accountId: account.id, numberId: number.id, to, type: 'template', payload: {}, creditCost, admission }], now);
    return result!.kind;
  };
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-controls-'));
  dirs.push(d);
  return d;
}

describe('sqlite counted limits and ledger', () => {
  it('counts template recipients over a rolling window, oldest first, and frees a slot as the oldest leaves it', async () => {
    const store = await open(tempDir());
    const send = await sender(store);
    const tier2 = (now: number): AcceptAdmission => ({ messaging: { tier: 2, since: now - 100 } });
    expect(await send('a', 10, tier2(10))).toBe('accepted');
    expect(await send('b', 20, tier2(20))).toBe('accepted');
    expect(await send('c', 30, tier2(30))).toBe('refused');
    expect(await send('a', 40, tier2(40))).toBe('accepted'); // already reached: moves to the end
    expect(await send('c', 115, tier2(115))).toBe('refused'); // b (20) is still inside the window
    expect(await send('c', 121, tier2(121))).toBe('accepted'); // b left it
    await store.close();
  });

  it('counts the same text once per recipient per day against the threshold', async () => {
    const store = await open(tempDir());
    const send = await sender(store);
    const max1 = (day: string): AcceptAdmission => ({ spam: { day, textHash: 'h', threshold: 1 } });
    expect(await send('x', 1, max1('2026-06-01'))).toBe('accepted');
    expect(await send('x', 2, max1('2026-06-01'))).toBe('accepted');
    expect(await send('y', 3, max1('2026-06-01'))).toBe('refused');
    expect(await send('y', 4, max1('2026-06-02'))).toBe('accepted');
    await store.close();
  });

  it('counts nothing for a send the same transaction refuses for credit', async () => {
    const store = await open(tempDir());
    const send = await sender(store);
    const both = (now: number): AcceptAdmission => ({ spam: { day: 'd', textHash: 'h', threshold: 1 }, messaging: { tier: 1, since: now - 100 } });
    expect(await send('x', 10, both(10), 1)).toBe('refused'); // the account has no credit
    expect(await send('y', 20, both(20))).toBe('accepted');
    await store.close();
  });

  it('settles or refunds a reservation once, never both', () => {
    const db = new Database(':memory:');
    migrateSqlite(db);
    db.prepare("INSERT INTO accounts (id, name, state, ip_allow_list, credit, created_at, updated_at) VALUES ('acct_1', 'a', 'active', '[]', 9, 0, 0)").run();
    const reserve = db.prepare("INSERT INTO credit_ledger (id, account_id, message_id, kind, amount, created_at) VALUES (?, 'acct_1', ?, 'reserve', -1, 0)");
    reserve.run('r1', 'msg_1');
    reserve.run('r2', 'msg_2');
    const ledger = prepareLedgerSettlement(db);
    ledger.settle('msg_1', 1);
    expect(ledger.refund('msg_1', 2)).toBe(false);
    expect(ledger.refund('msg_2', 3)).toBe(true);
    expect(ledger.refund('msg_2', 4)).toBe(false);
    ledger.settle('msg_2', 5);
    expect(db.prepare('SELECT credit FROM accounts').pluck().get()).toBe(10);
    expect(db.prepare('SELECT kind FROM credit_ledger ORDER BY id').pluck().all()).toEqual(['refund', 'settle', 'reserve', 'reserve']);
    db.close();
  });
});
