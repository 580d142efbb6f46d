import type BetterSqlite3 from 'better-sqlite3';

/**
 * Message and folder ids are never given out twice (store/id-floors.ts). Both tables key rows by a plain
 * INTEGER PRIMARY KEY, for which SQLite picks the largest id plus one: once the newest row was deleted,
 * the next row took its id, and whatever still named the old one (the undo log, a rule's target folder,
 * the junk filter's training record) then named a stranger. `homing undo` after emptying the Trash moved
 * mail that had just arrived into the deleted message's folder. AUTOINCREMENT would do this, but it cannot
 * be added to an existing table without copying it; instead `id_floors` keeps the largest id ever deleted
 * (a trigger on each table) and the inserts ask for an id above it.
 *
 * The floors start at the largest id in use or still named anywhere (deleted before this migration but
 * kept in the undo log, the operation queue, the rules or the junk filter's records).
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE id_floors (
      name  TEXT PRIMARY KEY,       -- the table: messages, folders
      floor INTEGER NOT NULL        -- no new row of it gets this id or a lower one
    ) STRICT, WITHOUT ROWID;

    INSERT INTO id_floors (name, floor) VALUES ('messages', max(
      coalesce((SELECT max(id) FROM messages), 0),
      coalesce((SELECT max(message_id) FROM junk_trained), 0),
      coalesce((SELECT max(message_id) FROM pending_op_messages), 0),
      coalesce((SELECT max(j.value) FROM undo_log u, json_tree(u.payload) j
                WHERE json_valid(u.payload) AND j.type = 'integer' AND (j.key IN ('messageId', 'copyId') OR j.path LIKE '%.messageIds')), 0),
      coalesce((SELECT max(j.value) FROM pending_ops p, json_tree(p.payload) j
                WHERE json_valid(p.payload) AND j.type = 'integer' AND (j.key IN ('messageId', 'copyId') OR j.path LIKE '%.messageIds')), 0)
    ));
    INSERT INTO id_floors (name, floor) VALUES ('folders', max(
      coalesce((SELECT max(id) FROM folders), 0),
      coalesce((SELECT max(j.value) FROM rules r, json_tree(r.actions) j
                WHERE json_valid(r.actions) AND j.type = 'integer' AND j.key = 'folderId'), 0),
      coalesce((SELECT max(j.value) FROM undo_log u, json_tree(u.payload) j
                WHERE json_valid(u.payload) AND j.type = 'integer' AND j.key IN ('folderId', 'trashFolderId')), 0),
      coalesce((SELECT max(j.value) FROM pending_ops p, json_tree(p.payload) j
                WHERE json_valid(p.payload) AND j.type = 'integer' AND j.key = 'folderId'), 0)
    ));

    CREATE TRIGGER messages_id_floor AFTER DELETE ON messages BEGIN
      UPDATE id_floors SET floor = old.id WHERE name = 'messages' AND floor < old.id;
    END;
    CREATE TRIGGER folders_id_floor AFTER DELETE ON folders BEGIN
      UPDATE id_floors SET floor = old.id WHERE name = 'folders' AND floor < old.id;
    END;
  `);
}
