/**
 * SQLite's uploaded media: the record, and the file's bytes as chunks written while the upload streams in. Chunks of
 * an upload that never committed have no media row; one process owns the SQLite file, so at start-up such chunks
 * can only be left over from a crash and are deleted.
 */
import { newId } from '../ids.js';
import type { MediaRecord, MediaUpload, NewMedia } from '../store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { toMedia, type MediaRow } from './sqlite-rows.js';

export class SqliteMedia {
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase) {
    this.stmts = {
      chunk: db.prepare('INSERT INTO media_chunks (media_id, seq, content) VALUES (?, ?, ?)'),
      dropChunks: db.prepare('DELETE FROM media_chunks WHERE media_id = ?'),
      stored: db.prepare('SELECT coalesce(sum(bytes), 0) FROM media WHERE account_id = ?').pluck(),
      insert: db.prepare(
        'INSERT INTO media (id, account_id, number_id, mime_type, bytes, sha256, filename, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare('SELECT id, account_id, number_id, mime_type, bytes, sha256, filename, created_at FROM media WHERE id = ? AND account_id = ?'),
      delete: db.prepare('DELETE FROM media WHERE id = ? AND account_id = ?'),
    };
    db.prepare('DELETE FROM media_chunks WHERE media_id NOT IN (SELECT id FROM media)').run();
  }

  async beginMedia(input: NewMedia, now: number): Promise<MediaUpload> {
    const id = newId('med', now);
    let seq = 0;
    const { stmts, db } = this;
    return {
      async append(chunk) {
        stmts.chunk.run(id, seq++, chunk);
      },
      async commit({ bytes, sha256, capBytes }) {
        return db.transaction(() => {
          const storedBytes = stmts.stored.get(input.accountId) as number;
          if (storedBytes + bytes > capBytes) {
            stmts.dropChunks.run(id);
            return { kind: 'over-cap' as const, storedBytes };
          }
          stmts.insert.run(id, input.accountId, input.numberId, input.mimeType, bytes, sha256, input.filename, now);
          const media: MediaRecord = { ...input, id, bytes, sha256, createdAt: now };
          return { kind: 'stored' as const, media };
        }).immediate();
      },
      async discard() {
        stmts.dropChunks.run(id);
      },
    };
  }

  async mediaBytesStored(accountId: string): Promise<number> {
    return this.stmts.stored.get(accountId) as number;
  }

  async getMedia(accountId: string, id: string): Promise<MediaRecord | undefined> {
    const row = this.stmts.get.get(id, accountId) as MediaRow | undefined;
    return row ? toMedia(row) : undefined;
  }

  async deleteMedia(accountId: string, id: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmts.delete.run(id, accountId).changes === 0) return false;
      this.stmts.dropChunks.run(id);
      return true;
    })();
  }
}
