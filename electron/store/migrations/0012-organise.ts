import type BetterSqlite3 from 'better-sqlite3';

/**
 * Organising mail (shared/contract/organise.ts):
 * - `undo_log`: the actions that can be taken back, newest last (store/undo-log.ts; each payload's shape
 *   is in store/undo-kinds.ts). `undone_at` is set when one was taken back; old entries are pruned.
 * - `messages.trashed_at`: when the message was put in Trash here, for "empty Trash after N days" (a message
 *   found in Trash by sync counts from when it was stored, `added_at`).
 * - `folders.deleted_locally`: a server folder deleted here and hidden until the server's DELETE is done;
 *   its row (and id) stay meanwhile, so an undo before then simply cancels the queued DELETE.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE undo_log (
      id            INTEGER PRIMARY KEY,
      kind          TEXT NOT NULL,            -- checked by parseUndoEntry (undo-kinds.ts)
      description   TEXT NOT NULL,
      payload       TEXT NOT NULL,            -- JSON, shape per kind
      account_ids   TEXT NOT NULL DEFAULT '[]',
      message_count INTEGER NOT NULL DEFAULT 0,
      created_at    INTEGER NOT NULL,
      undone_at     INTEGER
    ) STRICT;
    CREATE INDEX undo_log_open ON undo_log (id) WHERE undone_at IS NULL;
    ALTER TABLE messages ADD COLUMN trashed_at INTEGER;
    ALTER TABLE folders ADD COLUMN deleted_locally INTEGER NOT NULL DEFAULT 0;
  `);
}
