import type BetterSqlite3 from 'better-sqlite3';

/**
 * POP3 bookkeeping (store/pop3-state.ts). A row per UIDL ever stored for an account, kept after the user
 * deletes the local copy: otherwise a message left on the server would come back at the next check.
 * The row is written in the same transaction as the message (commitMessage), so "stored" and "known"
 * can never disagree, whatever instant the process dies at.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE pop3_uidls (
      account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      uidl           TEXT NOT NULL,            -- the server's unique-id (RFC 1939 section 7)
      message_id     INTEGER REFERENCES messages(id) ON DELETE SET NULL,  -- NULL: the local copy was deleted
      downloaded_at  INTEGER NOT NULL,         -- first stored (headers or full): "delete after N days" counts from here
      dele_sent_at   INTEGER,                  -- a DELE was sent (it takes effect only if that session's QUIT succeeded)
      server_gone_at INTEGER,                  -- first seen missing from the server's UIDL listing
      PRIMARY KEY (account_id, uidl)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX pop3_uidls_message ON pop3_uidls (message_id);

    -- Messages a POP3 sync stored before this table existed are known too.
    INSERT OR IGNORE INTO pop3_uidls (account_id, uidl, message_id, downloaded_at)
      SELECT account_id, uidl, id, added_at FROM messages WHERE uidl IS NOT NULL;
  `);
}
