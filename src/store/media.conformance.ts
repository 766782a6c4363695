/**
 * The conformance cases of the media port (uploads in chunks, committed under the account's storage cap), run once
 * per engine from this one set through the shared implementation.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { createSecretBox } from './secret-box.js';
import { SqlAccounts } from './sql/sql-accounts.js';
import { SqlMedia } from './sql/sql-media.js';
import type { NewMedia } from './store.js';

const now = Date.parse('2026-06-01T12:00:00Z');

export function describeMediaConformance(): void {
  describeEachEngine('Media conformance', (current) => {
    let media: SqlMedia;
    beforeEach(() => {
      media = new SqlMedia(current().engine);
    });
    const account = async () =>
      (await new SqlAccounts(current().engine, { secrets: createSecretBox('media-conformance') }).createAccount({ name: 'm' }, now)).id;
    const upload = (accountId: string): NewMedia => ({ accountId, numberId: null, mimeType: 'application/pdf', filename: 'a.pdf' });
    const chunksOf = async (id: string) =>
      (await current().engine.db.selectFrom('media_chunks').select(['seq', 'content']).where('media_id', '=', id).orderBy('seq').execute())
        .map((c) => [...c.content]);

    it('stores media chunk by chunk, visible and counted only once committed, within the account cap', async () => {
      const [owner, other] = [await account(), await account()];
      const first = await media.beginMedia({ ...upload(owner), numberId: 'num_1' }, now);
      await first.append(new Uint8Array(600));
      expect(await media.mediaBytesStored(owner)).toBe(0);
      await first.append(new Uint8Array(400));
      const stored = await first.commit({ bytes: 1000, sha256: 'ab', capBytes: 1500 });
      const record = { id: expect.stringMatching(/^med_/), accountId: owner, numberId: 'num_1', mimeType: 'application/pdf', filename: 'a.pdf', bytes: 1000, sha256: 'ab', createdAt: now };
      expect(stored).toEqual({ kind: 'stored', media: record });
      const id = stored.kind === 'stored' ? stored.media.id : '';
      expect(await media.getMedia(owner, id)).toEqual(record);
      expect(await media.getMedia(other, id)).toBeUndefined();
      expect(await media.mediaBytesStored(owner)).toBe(1000);
      expect(await media.mediaBytesStored(other)).toBe(0);
    });

    it('keeps an upload\u2019s bytes as its chunks, in order, byte for byte', async () => {
      const pending = await media.beginMedia(upload(await account()), now);
      await pending.append(new Uint8Array([1, 2, 255]));
      await pending.append(Buffer.from([0, 3]));
      const stored = await pending.commit({ bytes: 5, sha256: 'x', capBytes: 10 });
      expect(await chunksOf(stored.kind === 'stored' ? stored.media.id : '')).toEqual([[1, 2, 255], [0, 3]]);
    });

    it('refuses an upload past the cap and drops its chunks; a discarded upload leaves nothing', async () => {
      const owner = await account();
      await (await media.beginMedia(upload(owner), now)).commit({ bytes: 1000, sha256: 'ab', capBytes: 1000 });
      const over = await media.beginMedia(upload(owner), now);
      await over.append(new Uint8Array(1));
      expect(await over.commit({ bytes: 1, sha256: 'cd', capBytes: 1000 })).toEqual({ kind: 'over-cap', storedBytes: 1000 });
      const dropped = await media.beginMedia(upload(owner), now);
      await dropped.append(new Uint8Array(10));
      await dropped.discard();
      expect(await media.mediaBytesStored(owner)).toBe(1000);
      const left = await current().engine.db.selectFrom('media_chunks').select('media_id').where('media_id', 'not in',
        current().engine.db.selectFrom('media').select('id')).execute();
      expect(left).toEqual([]);
    });

    it('lets only as many concurrent uploads of one account commit as fit under its cap', async () => {
      const owner = await account();
      const uploads = await Promise.all([1, 2, 3, 4].map(async () => {
        const pending = await media.beginMedia(upload(owner), now);
        await pending.append(new Uint8Array(600));
        return pending;
      }));
      const results = await Promise.all(uploads.map((u) => u.commit({ bytes: 600, sha256: 's', capBytes: 1300 })));
      expect(results.filter((r) => r.kind === 'stored')).toHaveLength(2);
      expect(await media.mediaBytesStored(owner)).toBe(1200);
    });

    it('deletes an account\u2019s own media with its chunks, and nothing of another account\u2019s', async () => {
      const [owner, other] = [await account(), await account()];
      const pending = await media.beginMedia(upload(owner), now);
      await pending.append(new Uint8Array([7]));
      const stored = await pending.commit({ bytes: 1, sha256: 'x', capBytes: 10 });
      const id = stored.kind === 'stored' ? stored.media.id : '';
      expect(await media.deleteMedia(other, id)).toBe(false);
      expect(await chunksOf(id)).toEqual([[7]]);
      expect(await media.deleteMedia(owner, id)).toBe(true);
      expect(await media.getMedia(owner, id)).toBeUndefined();
      expect(await chunksOf(id)).toEqual([]);
      expect(await media.mediaBytesStored(owner)).toBe(0);
      expect(await media.deleteMedia(owner, id)).toBe(false);
    });

    it('drops the chunks of an upload a crash cut short only where no other process may be uploading', async () => {
      const owner = await account();
      const kept = await media.beginMedia(upload(owner), now);
      await kept.append(new Uint8Array([1]));
      const committed = await kept.commit({ bytes: 1, sha256: 'x', capBytes: 10 });
      const cut = await media.beginMedia(upload(owner), now);
      await cut.append(new Uint8Array([9, 9]));
      const cutId = (await current().engine.db.selectFrom('media_chunks').select('media_id').where('media_id', '<>', committed.kind === 'stored' ? committed.media.id : '')
        .where('media_id', 'not in', current().engine.db.selectFrom('media').select('id')).executeTakeFirstOrThrow()).media_id;
      // A new adapter is what a restart (or another process) brings; it settles the leftovers before its first upload.
      await (await new SqlMedia(current().engine).beginMedia(upload(owner), now)).discard();
      const shared = current().engine.capabilities.sharedAcrossProcesses;
      expect(await chunksOf(cutId)).toEqual(shared ? [[9, 9]] : []);
      expect(await chunksOf(committed.kind === 'stored' ? committed.media.id : '')).toEqual([[1]]);
    });
  });
}
