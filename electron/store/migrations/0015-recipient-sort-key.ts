import type BetterSqlite3 from 'better-sqlite3';
import { recipientSortKey } from '../sort-keys';

/** Rows read and rewritten at a time (an open iterator would keep the connection busy for the updates). */
const BATCH = 5_000;

/**
 * The recipients' sort key (store/sort-keys.ts recipientSortKey) and its index. A row in Sent or Drafts
 * names its recipients instead of its sender (the user), so that folder's "Sender, A to Z" order sorts by
 * them (store/message-list.ts); it sorted by the user's own name, which is every row's, i.e. by date.
 * Computed for every message (a message moved into Sent brings its key), from to_json, in batches as
 * migration 0008 does.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`ALTER TABLE messages ADD COLUMN recipient_key TEXT NOT NULL DEFAULT ''`);
  const read = db.prepare<[number, number], { id: number; to_json: string }>(
    "SELECT id, to_json FROM messages WHERE id > ? AND to_json NOT IN ('', '[]') ORDER BY id LIMIT ?",
  );
  const write = db.prepare<[string, number]>('UPDATE messages SET recipient_key = ? WHERE id = ?');
  for (let after = 0; ; ) {
    const rows = read.all(after, BATCH);
    if (rows.length === 0) break;
    for (const row of rows) {
      const key = recipientSortKey(addresses(row.to_json));
      if (key !== '') write.run(key, row.id);
    }
    after = rows[rows.length - 1]!.id;
  }
  db.exec('CREATE INDEX messages_folder_recipient ON messages (folder_id, recipient_key, date DESC, id DESC) WHERE deleted_locally = 0');
}

function addresses(json: string): Array<{ name?: string | null; address?: string | null }> {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((a): a is { name?: string; address?: string } => typeof a === 'object' && a !== null) : [];
  } catch {
    return [];
  }
}
