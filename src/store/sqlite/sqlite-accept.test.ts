/** The accept transaction's idempotency write through the real writer thread: the first outcome stored under a key wins. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import type { AcceptResult, IdempotencyCompletion } from '../store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('stores one outcome per Idempotency-Key: a second request racing past the claim writes nothing and is told to retry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-accept-'));
  dirs.push(dir);
  const store = await openStore({ dataDir: dir, databaseUrl: undefined, secretKey: 'k'.repeat(24) });
  const account = await store.createAccount({ name: 'a' }, 1);
  const number = await store.createNumber({ phoneNumberId: '1', displayPhoneNumber: '+1 555 0100', wabaId: 'w', accountId: account.id }, 1);
  const item = { accountId: account.id, numberId: number.id, to: '4917610000001', type: 'template' as const, payload: {}, creditCost: 0 };
  const completion: IdempotencyCompletion = {
    accountId: account.id, key: 'k1', requestHash: 'h',
    respond: (results: readonly AcceptResult[]) => ({ statusCode: 202, body: { id: results[0]?.kind === 'accepted' ? results[0].id : null } }),
  };
  // Both skip the in-memory claim, as two processes would: the conditional write in the transaction decides.
  const [first, second] = await Promise.allSettled([store.acceptMessages([item], 10, completion), store.acceptMessages([item], 10, completion)]);
  expect(first.status).toBe('fulfilled');
  expect(second).toMatchObject({ status: 'rejected', reason: { entry: { code: 'idempotency_in_progress' } } });
  const stored = await store.claimIdempotencyKey(account.id, 'k1', 'h', 11);
  const id = first.status === 'fulfilled' && first.value[0]?.kind === 'accepted' ? first.value[0].id : undefined;
  expect(stored).toMatchObject({ state: 'done', statusCode: 202, body: { id } });
  expect((await store.listMessages(account.id, { limit: 10 })).messages.map((m) => m.id)).toEqual([id]);
  await store.close();
});
