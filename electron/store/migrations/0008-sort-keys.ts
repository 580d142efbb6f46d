import type BetterSqlite3 from 'better-sqlite3';
import { senderSortKey, subjectSortKey } from '../sort-keys';

/** Rows read and rewritten at a time (an open iterator would keep the connection busy for the updates). */
const BATCH = 5_000;

/**
 * Sorting a list by sender, subject or size (store/message-order.ts). Sender and subject sort on keys
 * computed here and at ingest (store/sort-keys.ts: accents and case folded, "Re:" dropped), since SQLite's
 * own NOCASE folds ASCII only. Each order has an index that serves both of its directions: the reversed
 * order is the same index read backwards, so the first page of a 100,000-message folder reads a hundred
 * index entries in any order. Within one sender, subject or size the newest message comes first.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN sender_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE messages ADD COLUMN subject_key TEXT NOT NULL DEFAULT '';
  `);
  const read = db.prepare<[number, number], { id: number; subject: string; from_name: string | null; from_address: string | null }>(
    'SELECT id, subject, from_name, from_address FROM messages WHERE id > ? ORDER BY id LIMIT ?',
  );
  const write = db.prepare<[string, string, number]>('UPDATE messages SET sender_key = ?, subject_key = ? WHERE id = ?');
  for (let after = 0; ; ) {
    const rows = read.all(after, BATCH);
    if (rows.length === 0) break;
    for (const row of rows) write.run(senderSortKey(row.from_name, row.from_address), subjectSortKey(row.subject), row.id);
    after = rows[rows.length - 1]!.id;
  }
  db.exec(`
    CREATE INDEX messages_folder_sender ON messages (folder_id, sender_key, date DESC, id DESC) WHERE deleted_locally = 0;
    CREATE INDEX messages_folder_subject ON messages (folder_id, subject_key, date DESC, id DESC) WHERE deleted_locally = 0;
    CREATE INDEX messages_folder_size ON messages (folder_id, size, date DESC, id DESC) WHERE deleted_locally = 0;
  `);
}
