import type BetterSqlite3 from 'better-sqlite3';

/**
 * The recipients' order (migration 0015) is indexed for the rows of Sent and Drafts folders alone. Its
 * index covered every message, so every message stored anywhere (an INBOX of 10,000 in an initial sync)
 * paid an insert into it, and another when its body replaced its header block, for an order only a Sent
 * or Drafts folder uses: ~0.8 s of 18.8 s of CPU in a 10,000-message IMAP sync. Sorting such a folder
 * without an index reads and sorts all its rows at every page (~0.3-0.5 s at 100,000 rows), so the index
 * stays, partial.
 *
 * `outgoing_folder` is 1 exactly for the rows of a folder whose special use is sent or drafts: set by the
 * two inserts (store/ingest.ts, store/message-copy.ts; an insert trigger would make every stored message
 * a multi-write statement, migration 0004), and by the triggers below when a row changes folder or a
 * folder its special use. The list reads the index with `outgoing_folder = 1` (store/message-list.ts).
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE messages ADD COLUMN outgoing_folder INTEGER NOT NULL DEFAULT 0;
    UPDATE messages SET outgoing_folder = 1 WHERE folder_id IN (SELECT id FROM folders WHERE special_use IN ('sent', 'drafts'));
    DROP INDEX messages_folder_recipient;
    CREATE INDEX messages_folder_recipient ON messages (folder_id, recipient_key, date DESC, id DESC)
      WHERE deleted_locally = 0 AND outgoing_folder = 1;

    CREATE TRIGGER messages_outgoing_folder AFTER UPDATE OF folder_id ON messages
      WHEN new.outgoing_folder != coalesce((SELECT special_use IN ('sent', 'drafts') FROM folders WHERE id = new.folder_id), 0) BEGIN
      UPDATE messages SET outgoing_folder = coalesce((SELECT special_use IN ('sent', 'drafts') FROM folders WHERE id = new.folder_id), 0)
        WHERE id = new.id;
    END;
    CREATE TRIGGER folders_outgoing_folder AFTER UPDATE OF special_use ON folders
      WHEN coalesce(old.special_use IN ('sent', 'drafts'), 0) != coalesce(new.special_use IN ('sent', 'drafts'), 0) BEGIN
      UPDATE messages SET outgoing_folder = coalesce(new.special_use IN ('sent', 'drafts'), 0) WHERE folder_id = new.id;
    END;
  `);
}
