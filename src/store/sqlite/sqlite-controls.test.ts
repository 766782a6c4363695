/** The SQLite control adapters on a real file: what survives a restart, what a sync keeps, and the ledger's settle-or-refund rule. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_CONTROLS } from '../../domain/account.js';
import { openStore } from '../open-store.js';
import type { StoredTemplate } from '../controls-store.js';
import { migrateSqlite } from './sqlite-database.js';
import { prepareLedgerSettlement } from './sqlite-credit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const open = (dataDir: string) => openStore({ dataDir, databaseUrl: undefined, secretKey: 'k'.repeat(24) });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-controls-'));
  dirs.push(d);
  return d;
}

describe('sqlite account controls', () => {
  it('keeps controls, prices and "no WhatsApp" answers across a restart', async () => {
    const dir = tempDir();
    let store = open(dir);
    const account = await store.createAccount({ name: 'a' }, 1);
    expect(await store.controls.getControls(account.id)).toEqual(NO_CONTROLS);
    await store.controls.setControls(account.id, { spamThreshold: 5, blockedPaths: ['/v1/media*'] }, 2);
    await store.controls.setPrices(account.id, [{ category: 'marketing', country: 'DE', price: 9 }]);
    await store.contactChecks.saveContactChecks(account.id, [{ waId: '4915112345678', status: 'invalid' }, { waId: '4915112345679', status: 'valid' }], 3);
    await store.close();
    store = open(dir);
    expect(await store.controls.getControls(account.id)).toMatchObject({ spamThreshold: 5, blockedPaths: ['/v1/media*'], messagingTier: null });
    expect(await store.controls.listPrices(account.id)).toEqual([{ category: 'marketing', country: 'DE', price: 9 }]);
    expect(await store.contactChecks.isKnownInvalid(account.id, '4915112345678', 0)).toBe(true);
    expect(await store.contactChecks.isKnownInvalid(account.id, '4915112345678', 4)).toBe(false);
    expect(await store.contactChecks.isKnownInvalid(account.id, '4915112345679', 0)).toBe(false);
    expect(await store.contactChecks.isKnownInvalid('acct_other', '4915112345678', 0)).toBe(false);
    expect(await store.contactChecks.getContactCheck('acct_other', '4915112345679', 0)).toBeUndefined();
    await store.close();
  });

  it('keeps the upstream id and the review reason when a sync or webhook updates a template, and drops what the upstream lost', async () => {
    const store = open(tempDir());
    const t: StoredTemplate = {
      wabaId: 'w', name: 'promo', language: 'en_US', status: 'pending', category: 'MARKETING', components: [{ type: 'BODY', text: 'x' }],
      updatedAt: 1, upstreamId: '123', reason: null,
    };
    await store.templates.saveTemplate(t);
    expect(await store.templates.setTemplateStatus('w', 'promo', 'en_US', 'rejected', 'INVALID_FORMAT', 2)).toBe(true);
    await store.templates.replaceTemplates('w', [{ ...t, status: 'rejected', upstreamId: null, updatedAt: 3 }]);
    expect(await store.templates.listTemplates(['w'])).toMatchObject([{ status: 'rejected', upstreamId: '123', reason: 'INVALID_FORMAT' }]);
    expect(await store.findTemplate('w', 'promo', 'en_US')).toMatchObject({ status: 'rejected' });
    await store.templates.replaceTemplates('w', []);
    expect(await store.templates.listTemplates(['w'])).toEqual([]);
    expect(await store.templates.setTemplateStatus('w', 'promo', undefined, 'approved', null, 4)).toBe(false);
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
