/** The SQLite control adapters on a real file: what survives a restart, and what a sync keeps. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_CONTROLS } from '../../domain/account.js';
import { openStore } from '../open-store.js';
import type { AcceptAdmission, Store } from '../store.js';
import type { StoredTemplate } from '../controls-store.js';

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

  it('counts template recipients over a rolling window, oldest first, and frees a slot as the oldest leaves it', async () => {
    const store = open(tempDir());
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
    const store = open(tempDir());
    const send = await sender(store);
    const max1 = (day: string): AcceptAdmission => ({ spam: { day, textHash: 'h', threshold: 1 } });
    expect(await send('x', 1, max1('2026-06-01'))).toBe('accepted');
    expect(await send('x', 2, max1('2026-06-01'))).toBe('accepted');
    expect(await send('y', 3, max1('2026-06-01'))).toBe('refused');
    expect(await send('y', 4, max1('2026-06-02'))).toBe('accepted');
    await store.close();
  });

  it('counts nothing for a send the same transaction refuses for credit', async () => {
    const store = open(tempDir());
    const send = await sender(store);
    const both = (now: number): AcceptAdmission => ({ spam: { day: 'd', textHash: 'h', threshold: 1 }, messaging: { tier: 1, since: now - 100 } });
    expect(await send('x', 10, both(10), 1)).toBe('refused'); // the account has no credit
    expect(await send('y', 20, both(20))).toBe('accepted');
    await store.close();
  });
});
