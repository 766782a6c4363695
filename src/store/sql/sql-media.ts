/**
 * Uploaded media, written once for every engine: the record, and the file's bytes as chunks written while the upload
 * streams in (BLOB on SQLite, BYTEA on PostgreSQL). Chunks of an upload that never committed have no media row.
 */
import { sql, type Kysely } from 'kysely';
import { fitsMediaStorage } from '../../domain/validation/media.js';
import { newId } from '../ids.js';
import type { MediaRecord, MediaUpload, NewMedia } from '../store.js';
import { toMedia } from './rows.js';
import type { Database } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

export class SqlMedia {
  /**
   * Where this process is the store's only user, chunks without a media row can only be left over from a crash, so
   * they are dropped before the first upload begins; where processes share the store they may be another's upload.
   */
  private readonly leftoversDropped: Promise<unknown>;

  constructor(private readonly engine: SqlEngine) {
    this.leftoversDropped = engine.capabilities.sharedAcrossProcesses ? Promise.resolve() : this.dropUnfinishedUploads();
    // A failure shows again on the first upload, which waits for this.
    this.leftoversDropped.catch(() => undefined);
  }

  private get db() {
    return this.engine.db;
  }

  private dropUnfinishedUploads() {
    return this.db.deleteFrom('media_chunks')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('media').select('media.id').whereRef('media.id', '=', 'media_chunks.media_id'))))
      .execute();
  }

  private dropChunks(db: Kysely<Database>, id: string) {
    return db.deleteFrom('media_chunks').where('media_id', '=', id);
  }

  async beginMedia(input: NewMedia, now: number): Promise<MediaUpload> {
    await this.leftoversDropped;
    const id = newId('med', now);
    let seq = 0;
    return {
      append: async (chunk) => {
        await this.db.insertInto('media_chunks').values({ media_id: id, seq: seq++, content: chunk }).execute();
      },
      commit: (facts) => this.commit(id, input, facts, now),
      discard: async () => {
        await this.dropChunks(this.db, id).execute();
      },
    };
  }

  /**
   * The cap is read and the upload written in one transaction. Where other writers run beside it, the account's row
   * is locked first, so concurrent uploads of one account commit one after the other and cannot together pass the cap.
   */
  private commit(id: string, input: NewMedia, facts: { bytes: number; sha256: string; capBytes: number }, now: number) {
    return this.engine.transaction(async (trx) => {
      if (this.engine.capabilities.rowLocks) await trx.selectFrom('accounts').select('id').where('id', '=', input.accountId).forUpdate().execute();
      const storedBytes = await this.bytesStored(trx, input.accountId);
      if (!fitsMediaStorage(storedBytes, facts.bytes, facts.capBytes)) {
        await this.dropChunks(trx, id).execute();
        return { kind: 'over-cap' as const, storedBytes };
      }
      const media: MediaRecord = { ...input, id, bytes: facts.bytes, sha256: facts.sha256, createdAt: now };
      await trx.insertInto('media').values({
        id, account_id: media.accountId, number_id: media.numberId, mime_type: media.mimeType, bytes: media.bytes, sha256: media.sha256,
        filename: media.filename, created_at: now,
      }).execute();
      return { kind: 'stored' as const, media };
    });
  }

  private async bytesStored(db: Kysely<Database>, accountId: string): Promise<number> {
    const row = await db.selectFrom('media').select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('bytes'), sql<number>`0`).as('total'))
      .where('account_id', '=', accountId).executeTakeFirstOrThrow();
    // PostgreSQL sums BIGINT as NUMERIC, which arrives as a string.
    return Number(row.total);
  }

  mediaBytesStored(accountId: string): Promise<number> {
    return this.bytesStored(this.db, accountId);
  }

  async getMedia(accountId: string, id: string): Promise<MediaRecord | undefined> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return row && toMedia(row);
  }

  /** The chunks go only with the account's own media row, in the same transaction. */
  async deleteMedia(accountId: string, id: string): Promise<boolean> {
    const [, deleted] = await this.engine.runAtomically([
      this.dropChunks(this.db, id)
        .where((eb) => eb.exists(eb.selectFrom('media').select('media.id').where('media.id', '=', id).where('media.account_id', '=', accountId)))
        .compile(),
      this.db.deleteFrom('media').where('id', '=', id).where('account_id', '=', accountId).compile(),
    ]);
    return (deleted?.numAffectedRows ?? 0n) > 0n;
  }
}
