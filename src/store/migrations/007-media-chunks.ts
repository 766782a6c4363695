/**
 * Uploaded media is kept as a list of chunks, written while the upload streams in, so neither the gateway nor the
 * database ever holds a whole file in one piece. Existing files become one chunk each.
 */
import type { Migration } from './migrations.js';

export const mediaChunks: Migration = {
  id: 7,
  name: 'media-chunks',
  statements: [
    `CREATE TABLE media_chunks (media_id TEXT NOT NULL, seq INTEGER NOT NULL, content BLOB NOT NULL, PRIMARY KEY (media_id, seq))`,
    `INSERT INTO media_chunks (media_id, seq, content) SELECT id, 0, content FROM media`,
    `ALTER TABLE media DROP COLUMN content`,
    `CREATE INDEX media_account ON media (account_id)`,
  ],
};
