import type BetterSqlite3 from 'better-sqlite3';

/**
 * `reread_scan`: how far the messages stored before the current parser (mime/parser-version.ts) have been
 * read again from their stored bytes (store/reread.ts). `parser_version` is the version the scan is for,
 * `up_to` the largest message id stored before it started (every later message was parsed by that version
 * already), `last_message_id` how far it got. A store made before this migration counts as version 0, so
 * its mail is read once again by the version that migrates it.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE reread_scan (
      id              INTEGER PRIMARY KEY CHECK (id = 1),
      parser_version  INTEGER NOT NULL,
      up_to           INTEGER NOT NULL,
      last_message_id INTEGER NOT NULL
    ) STRICT;
    INSERT INTO reread_scan (id, parser_version, up_to, last_message_id) VALUES (1, 0, 0, 0);
  `);
}
