import type BetterSqlite3 from 'better-sqlite3';

/**
 * Folder counts on insert and on a body upgrade are kept by ingest (store/ingest.ts), not by triggers.
 * A trigger makes every INSERT or UPDATE of a message a multi-write statement, which SQLite wraps in a
 * statement savepoint; opening one makes FTS5 flush its pending terms to disk, so a sync transaction of
 * 200 messages wrote 200 tiny index segments (and merged them) instead of one, and the statement
 * journal spilled to a temp file. Measured on 10,000 messages: ~1.4 s of the writer's CPU.
 * User actions (seen, deleted_locally, moves) still go through the trigger below: they write no FTS rows.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    DROP TRIGGER messages_count_insert;
    DROP TRIGGER messages_count_update;
    CREATE TRIGGER messages_count_update AFTER UPDATE OF folder_id, seen, deleted_locally ON messages BEGIN
      UPDATE folders SET total_count = total_count - 1, unread_count = unread_count - (old.seen = 0),
        offline_count = offline_count - (old.body_status = 'full') WHERE id = old.folder_id AND old.deleted_locally = 0;
      UPDATE folders SET total_count = total_count + 1, unread_count = unread_count + (new.seen = 0),
        offline_count = offline_count + (new.body_status = 'full') WHERE id = new.folder_id AND new.deleted_locally = 0;
    END;
  `);
}
