import type BetterSqlite3 from 'better-sqlite3';

/**
 * The content hash (SHA-256 of the exact bytes, as messages.content_hash) of what was stored under each
 * POP3 UIDL, kept on its pop3_uidls row. The row outlives the message: once the user deletes a message
 * for good (or files it in another account) the row is all that is left, and when the server changes
 * its UIDLs (a new pop3_uidl_format, a host migration) the hash is how the message listed under a new
 * UIDL is recognised as that one (store/pop3-listing.ts rekeyUnlistedRecord), instead of being
 * downloaded again. Rows whose message is still stored get its hash here; rows whose message was already
 * gone before this version have nothing to take it from and stay NULL (they match nothing).
 *
 * On a big store: ADD COLUMN rewrites nothing; the UPDATE is a primary-key lookup per row. With 100,000
 * messages and 20,000 records of deleted ones the whole open took 0.35-0.6 s (2 shared cores, load ~8)
 * and wrote ~20 MB of WAL; the file grew 16 MB (the hashes and their index). Like every migration it runs
 * in open.ts's one transaction with the version bump: a crash leaves version 13, migrated again at the
 * next open.
 */
export function up(db: BetterSqlite3.Database): void {
  db.exec(`
    ALTER TABLE pop3_uidls ADD COLUMN content_hash TEXT;
    UPDATE pop3_uidls SET content_hash = (SELECT m.content_hash FROM messages m WHERE m.id = pop3_uidls.message_id)
     WHERE message_id IS NOT NULL;
    CREATE INDEX pop3_uidls_hash ON pop3_uidls (account_id, content_hash) WHERE content_hash IS NOT NULL;
  `);
}
